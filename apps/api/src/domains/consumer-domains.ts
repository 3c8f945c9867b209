/**
 * Mail domains anyone can get an address at: claiming one would let a tenant capture strangers'
 * sign-ins, so they (and their subdomains) are refused.
 */
export const CONSUMER_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  '126.com', '163.com', 'aim.com', 'aol.com', 'fastmail.com', 'gmail.com', 'gmx.at', 'gmx.ch', 'gmx.com',
  'gmx.de', 'gmx.net', 'googlemail.com', 'hey.com', 'hotmail.co.uk', 'hotmail.com', 'hotmail.de', 'hotmail.fr',
  'icloud.com', 'live.com', 'mac.com', 'mail.com', 'mail.ru', 'me.com', 'msn.com', 'outlook.com', 'outlook.de',
  'pm.me', 'proton.me', 'protonmail.com', 'qq.com', 't-online.de', 'tutanota.com', 'web.de', 'yahoo.co.uk',
  'yahoo.com', 'yahoo.de', 'yahoo.fr', 'yandex.com', 'yandex.ru', 'ymail.com', 'zoho.com',
]);

export const isConsumerMailDomain = (domain: string): boolean => {
  const labels = domain.split('.');
  return labels.some((_, index) => CONSUMER_MAIL_DOMAINS.has(labels.slice(index).join('.')));
};
