import { useId, type ButtonHTMLAttributes, type ReactNode } from 'react';
import { messagesOf } from './data';

export function ErrorMessage({ error, messages }: { error?: Error; messages?: string[] }) {
  const lines = messages ?? messagesOf(error);
  if (lines.length === 0) return null;
  return (
    <div role="alert" className="error">
      {lines.length === 1 ? lines[0] : <ul>{lines.map((line) => <li key={line}>{line}</li>)}</ul>}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return <p role="status" className="muted">{label}</p>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function Button({ variant = 'primary', ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'secondary' | 'danger' }) {
  return <button type="button" {...rest} className={`button ${variant} ${rest.className ?? ''}`} />;
}

interface FieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  type?: string;
  required?: boolean;
  autoComplete?: string;
  errors?: string[];
  hint?: string;
  placeholder?: string;
  name?: string;
}

/** A labelled input; the API's messages for this field sit right under it. */
export function Field({ label, value, onChange, type = 'text', errors = [], hint, ...rest }: FieldProps) {
  const id = useId();
  const describedBy = [errors.length ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type={type} value={value} onChange={(event) => onChange(event.target.value)} aria-invalid={errors.length > 0 || undefined} aria-describedby={describedBy} {...rest} />
      {hint && <small id={`${id}-hint`} className="muted">{hint}</small>}
      {errors.length > 0 && <small id={`${id}-error`} className="field-error">{errors.join('; ')}</small>}
    </div>
  );
}

export function Select({ label, value, onChange, options, errors = [] }: { label: string; value: string; onChange: (value: string) => void; options: Array<[value: string, label: string]>; errors?: string[] }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)} aria-invalid={errors.length > 0 || undefined} aria-describedby={errors.length ? `${id}-error` : undefined}>
        {options.map(([optionValue, optionLabel]) => <option key={optionValue} value={optionValue}>{optionLabel}</option>)}
      </select>
      {errors.length > 0 && <small id={`${id}-error`} className="field-error">{errors.join('; ')}</small>}
    </div>
  );
}

export function Section({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id} className="card">
      <div className="section-head">
        <h2 id={id}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** A labelled, scrollable table (narrow screens scroll it sideways rather than the page). */
export function Table({ caption, head, children }: { caption: string; head: string[]; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={caption} tabIndex={0}>
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead><tr>{head.map((cell) => <th key={cell} scope="col">{cell}</th>)}</tr></thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A used/limit bar with its figures spelled out. */
export function QuotaBar({ label, used, limit }: { label: string; used: number | null; limit: number | null }) {
  const value = used ?? 0;
  const percent = limit ? Math.min(100, Math.round((value / limit) * 100)) : 0;
  return (
    <div className="quota">
      <div className="quota-label"><span>{label}</span><span>{limit === null ? `${value} (no limit)` : `${value} of ${limit}`}</span></div>
      <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={limit ?? 0} aria-valuenow={limit === null ? undefined : value} className={`bar ${percent >= 90 ? 'bar-high' : ''}`}>
        <span style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
