import { generateWebhookSecret } from '../../webhooks/src/signature';
import { webhookHeaders } from '../../webhooks/src/webhook-headers';
import { verifyWebhook, WebhookVerificationError } from './verify-webhook';

// The Standard Webhooks specification's published example.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  headers: { 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp': '1614265330', 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' },
  body: '{"test": 2432232314}',
  now: 1614265330 * 1000,
};

const refusal = (promise: Promise<unknown>) => promise.then(() => 'accepted', (error: Error) => (error instanceof WebhookVerificationError ? error.message : `other: ${error.message}`));

describe('verifyWebhook (the receivers\' helper in the client package)', () => {
  it('accepts the Standard Webhooks test vector, from a record or a Headers object, a string or the bytes', async () => {
    await expect(verifyWebhook(VECTOR.secret, VECTOR.headers, VECTOR.body, { now: VECTOR.now })).resolves.toEqual({ test: 2432232314 });
    await expect(verifyWebhook(VECTOR.secret, new Headers(VECTOR.headers), new TextEncoder().encode(VECTOR.body), { now: VECTOR.now })).resolves.toEqual({ test: 2432232314 });
    // Node's req.headers: lower-case names; an upper-case record too.
    const upper = { 'Webhook-Id': VECTOR.headers['webhook-id'], 'Webhook-Timestamp': VECTOR.headers['webhook-timestamp'], 'Webhook-Signature': VECTOR.headers['webhook-signature'] };
    await expect(verifyWebhook(VECTOR.secret, upper, VECTOR.body, { now: VECTOR.now })).resolves.toEqual({ test: 2432232314 });
  });

  it('refuses the vector with one byte of the body, the id, the timestamp or the signature changed, or another secret', async () => {
    const { secret, headers, body, now } = VECTOR;
    expect(await refusal(verifyWebhook(secret, headers, '{"test": 2432232315}', { now }))).toBe('no matching v1 signature');
    expect(await refusal(verifyWebhook(secret, { ...headers, 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJeK' }, body, { now }))).toBe('no matching v1 signature');
    expect(await refusal(verifyWebhook(secret, { ...headers, 'webhook-timestamp': '1614265331' }, body, { now }))).toBe('no matching v1 signature');
    expect(await refusal(verifyWebhook(secret, { ...headers, 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=' }, body, { now }))).toBe('no matching v1 signature');
    expect(await refusal(verifyWebhook(secret, { ...headers, 'webhook-signature': 'v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' }, body, { now }))).toBe('no matching v1 signature');
    expect(await refusal(verifyWebhook(secret, { ...headers, 'webhook-signature': 'v1,g0hM9SsE' }, body, { now }))).toBe('no matching v1 signature');
    expect(await refusal(verifyWebhook(generateWebhookSecret(), headers, body, { now }))).toBe('no matching v1 signature');
  });

  it('refuses a timestamp outside the tolerance either way, and missing headers', async () => {
    const { secret, headers, body, now } = VECTOR;
    expect(await refusal(verifyWebhook(secret, headers, body, { now: now + 301_000 }))).toBe('webhook-timestamp is outside the tolerance');
    expect(await refusal(verifyWebhook(secret, headers, body, { now: now - 301_000 }))).toBe('webhook-timestamp is outside the tolerance');
    expect(await refusal(verifyWebhook(secret, headers, body, { now: now + 299_000 }))).toBe('accepted');
    expect(await refusal(verifyWebhook(secret, headers, body, { now: now + 3_600_000, toleranceSeconds: 3_600 }))).toBe('accepted');
    expect(await refusal(verifyWebhook(secret, headers, body))).toBe('webhook-timestamp is outside the tolerance'); // 2021 is long past
    expect(await refusal(verifyWebhook(secret, { ...headers, 'webhook-timestamp': '16142653e3' }, body, { now }))).toBe('webhook-timestamp is not a number of seconds');
    const { 'webhook-signature': _signature, ...unsigned } = headers;
    expect(await refusal(verifyWebhook(secret, unsigned, body, { now }))).toBe('missing webhook-id, webhook-timestamp or webhook-signature');
  });

  it("verifies what the product's signer sends, with either secret while a rotation overlaps", async () => {
    const [current, previous] = [generateWebhookSecret(), generateWebhookSecret()];
    const event = { id: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', type: 'project.created', occurredAt: new Date().toISOString(), tenantId: 't', data: { object: { name: 'é ✓ 𝄞' } } };
    const body = JSON.stringify(event);
    const headers = webhookHeaders([current, previous], event.id, Math.floor(Date.now() / 1000), body);
    await expect(verifyWebhook(current, headers, body)).resolves.toEqual(event);
    await expect(verifyWebhook(previous, headers, Buffer.from(body, 'utf8'))).resolves.toEqual(event);
    expect(await refusal(verifyWebhook(generateWebhookSecret(), headers, body))).toBe('no matching v1 signature');
    expect(await refusal(verifyWebhook(current, headers, `${body} `))).toBe('no matching v1 signature');
  });
});
