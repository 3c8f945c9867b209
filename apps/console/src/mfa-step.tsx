import { useState, type FormEvent } from 'react';
import { useAction } from './data';
import type { adminSession, MfaChallenge } from './session';
import { Button, ErrorMessage, Field } from './ui';

/**
 * The second step of a sign-in to an account with MFA: the authenticator's 6 digits, or one of
 * the recovery codes; the same cookie session starts once the API accepts it.
 */
export function MfaStep({ session, challenge, onCancel }: { session: typeof adminSession; challenge: MfaChallenge; onCancel: () => void }) {
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const verify = useAction(() => session.completeMfa(challenge, useRecovery ? { recoveryCode: code.trim() } : { code: code.replace(/\s+/g, '') }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void verify.run();
  };
  const toggle = () => {
    setUseRecovery(!useRecovery);
    setCode('');
    verify.clearError();
  };
  return (
    <main className="sign-in">
      <h1>Two-step verification</h1>
      <form onSubmit={submit} className="card stack" aria-label="Two-step verification">
        {useRecovery ? (
          <Field label="Recovery code" value={code} onChange={setCode} required autoComplete="off" hint="One of the recovery codes you saved when you set up two-step verification; each works once" />
        ) : (
          <Field label="Authentication code" value={code} onChange={setCode} required autoComplete="one-time-code" hint="The 6 digits your authenticator app shows now" />
        )}
        <ErrorMessage error={verify.error} />
        <button type="submit" className="button primary" disabled={verify.isPending}>{verify.isPending ? 'Verifying…' : 'Verify'}</button>
      </form>
      <p className="row">
        <Button variant="secondary" onClick={toggle}>{useRecovery ? 'Use the authenticator code' : 'Use a recovery code'}</Button>
        <Button variant="secondary" onClick={onCancel}>Back to sign in</Button>
      </p>
    </main>
  );
}
