import { DeliveryLedger } from './delivery-ledger.js';

describe('DeliveryLedger', () => {
  it('counts each signal once per subscriber and reports repeats', () => {
    const ledger = new DeliveryLedger(2);
    expect(ledger.record(0, 'a')).toBe(true);
    expect(ledger.record(0, 'a')).toBe(false);
    expect(ledger.record(1, 'a')).toBe(true);
    expect(ledger.record(1, 'b')).toBe(true);
    expect(ledger.total()).toBe(3);
    expect(ledger.totalOf((id) => id === 'b')).toBe(1);
  });

  it('keeps counting past the space it starts with', () => {
    const ledger = new DeliveryLedger(3);
    const ids = Array.from({ length: 20_000 }, (_, n) => `signal-${n}`);
    expect(ids.filter((id) => ledger.record(1, id))).toHaveLength(ids.length);
    expect(ids.filter((id) => ledger.record(1, id))).toHaveLength(0);
    expect(ledger.record(2, ids[19_999])).toBe(true);
    expect(ledger.total()).toBe(20_001);
    expect(ledger.totalOf((id) => id.endsWith('9'))).toBe(2_001);
  });
});
