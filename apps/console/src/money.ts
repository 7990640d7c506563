/** Money in the console: decimal strings from the api, added or compared in integer cents (BigInt), never as floats. */

const amountPattern = /^(-?)(\d+)(?:\.(\d{1,2}))?$/;

export function isAmount(text: string): boolean {
  return amountPattern.test(text.trim());
}

export function toCents(amount: string): bigint {
  const match = amountPattern.exec(amount.trim());
  if (!match) throw new RangeError(`not a money amount: ${amount}`);
  const cents = BigInt(match[2]!) * 100n + BigInt((match[3] ?? '').padEnd(2, '0'));
  return match[1] ? -cents : cents;
}

export function fromCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}
