import { assertSubjectPrefix, eventSubject, streamCategory, subjectToken, subjectTokenLengthMax } from './relay-subjects';

describe('relay subjects', () => {
  it('names the subject by the stream category and the event type', () => {
    expect(eventSubject('escrow', 'contract-7d1f0c2e-33aa-4b1e-9a55-0e0d8f6a1b2c', 'MilestoneFunded')).toBe('escrow.contract.MilestoneFunded');
    expect(eventSubject('escrow', 'employer-emp_1', 'PaymentMethodSaved')).toBe('escrow.employer.PaymentMethodSaved');
    expect(eventSubject('test.relay_ab12', 'trainer-tr_1', 'PayoutAccountLinked')).toBe('test.relay_ab12.trainer.PayoutAccountLinked');
  });

  it('takes the category up to the first dash only', () => {
    expect(streamCategory('contract-a-b-c')).toBe('contract');
    expect(streamCategory('ledger')).toBe('ledger');
    expect(streamCategory('-orphan')).toBe('');
  });

  it('never lets a token hold a separator, a wildcard or whitespace', () => {
    expect(eventSubject('escrow', 'con.tract-1', 'Milestone.Funded')).toBe('escrow.con_tract.Milestone_Funded');
    expect(eventSubject('escrow', 'a*b-1', 'All>')).toBe('escrow.a_b.All_');
    expect(eventSubject('escrow', 'my stream\t-1', 'Line\nBreak')).toBe('escrow.my_stream_.Line_Break');
    expect(subjectToken('Überweisung')).toBe('_berweisung');
  });

  it('never yields an empty token', () => {
    expect(eventSubject('escrow', '-orphan', '')).toBe('escrow._._');
    for (const subject of [eventSubject('escrow', '-x', 'T'), eventSubject('escrow', 'x', '')]) {
      expect(subject.split('.').every((token) => token.length > 0)).toBe(true);
    }
  });

  it('bounds a token in length', () => {
    expect(subjectToken('T'.repeat(500))).toHaveLength(subjectTokenLengthMax);
  });

  it('accepts only literal prefixes', () => {
    expect(() => assertSubjectPrefix('escrow')).not.toThrow();
    expect(() => assertSubjectPrefix('test.relay_1a2b')).not.toThrow();
    for (const bad of ['', 'escrow.', '.escrow', 'escrow..x', 'escrow.*', 'escrow.>', 'es crow']) {
      expect(() => assertSubjectPrefix(bad)).toThrow();
    }
  });
});
