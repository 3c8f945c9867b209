import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, signWebhook } from './signature';
import { webhookHeaders } from './webhook-headers';

describe('Standard Webhooks signing', () => {
  it('signs so that the Standard Webhooks reference library verifies, with either secret during an overlap', () => {
    const [current, previous] = [generateWebhookSecret(), generateWebhookSecret()];
    const body = JSON.stringify({ id: 'evt', type: 'project.created', data: { object: { name: 'é ✓' } } });
    const headers = webhookHeaders([current, previous], '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', Math.floor(Date.now() / 1000), body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(current).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(current).verify(`${body} `, headers)).toThrow();
  });

  it('is v1,<base64 HMAC-SHA256 of id.timestamp.body> keyed by the decoded secret', () => {
    const secret = `whsec_${Buffer.from('k'.repeat(32)).toString('base64')}`;
    const { createHmac } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const expected = createHmac('sha256', Buffer.from('k'.repeat(32))).update('id.1700000000.{}').digest('base64');
    expect(signWebhook([secret], 'id', 1700000000, '{}')).toBe(`v1,${expected}`);
  });
});
