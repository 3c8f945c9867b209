import type { AddressInfo } from 'node:net';
// dns2 ships no types for its server side that fit here; its API is small.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dns2 = require('dns2');

export interface TestDnsServer {
  /** `127.0.0.1:<port>`, for DNS_SERVERS. */
  address: string;
  /** Publishes (or replaces) the TXT records of a name; no records means NXDOMAIN-like empty answer. */
  setTxt(name: string, values: string[]): void;
  /** Publishes (or replaces) the A and AAAA records of a name. */
  setAddresses(name: string, addresses: { a?: string[]; aaaa?: string[] }): void;
  /** Runs before each answer is sent (the answer waits for it): a slow resolver, an observer. */
  beforeAnswer(hook: (() => Promise<void>) | undefined): void;
  close(): Promise<void>;
}

/** A real DNS server (UDP, loopback, a free port) answering TXT, A and AAAA queries from tables the test fills. */
export async function startDnsServer(): Promise<TestDnsServer> {
  const txt = new Map<string, string[]>();
  const a = new Map<string, string[]>();
  const aaaa = new Map<string, string[]>();
  let hook: (() => Promise<void>) | undefined;
  const server = dns2.createServer({
    udp: true,
    handle: async (request: { questions: { name: string; type: number }[] }, send: (response: unknown) => void) => {
      await hook?.();
      const response = dns2.Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      for (const value of (question && question.type === dns2.Packet.TYPE.TXT && txt.get(question.name.toLowerCase())) || []) {
        response.answers.push({ name: question!.name, type: dns2.Packet.TYPE.TXT, class: dns2.Packet.CLASS.IN, ttl: 1, data: value });
      }
      const name = question?.name.toLowerCase() ?? '';
      if (question?.type === dns2.Packet.TYPE.A) {
        for (const address of a.get(name) ?? []) response.answers.push({ name: question.name, type: dns2.Packet.TYPE.A, class: dns2.Packet.CLASS.IN, ttl: 1, address });
      }
      if (question?.type === dns2.Packet.TYPE.AAAA) {
        for (const address of aaaa.get(name) ?? []) response.answers.push({ name: question.name, type: dns2.Packet.TYPE.AAAA, class: dns2.Packet.CLASS.IN, ttl: 1, address });
      }
      send(response);
    },
  });
  await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  const { port } = server.addresses().udp as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    setTxt: (name, values) => txt.set(name.toLowerCase(), values),
    setAddresses: (name, addresses) => {
      a.set(name.toLowerCase(), addresses.a ?? []);
      aaaa.set(name.toLowerCase(), addresses.aaaa ?? []);
    },
    beforeAnswer: (next) => {
      hook = next;
    },
    close: () => server.close(),
  };
}
