import type { Invoice } from './invoice';

/** Test data: a funding and a payout invoice as the projection would store them. */
export function fundingInvoiceFixture(overrides: Partial<Invoice> = {}): Invoice {
  return {
    id: 'inv_0b6d3f52-6c1e-4f57-9a43-8c2f1e5d7a10',
    number: 'E-2026-000001',
    series: 'E-2026',
    sequence: 1,
    kind: 'employer_funding',
    issuedAt: '2026-03-14T09:05:27.123Z',
    contractId: '5f0c1c8e-2d4b-4c8e-9a57-3e1f0b9d2c11',
    milestoneId: '9a1e7d22-4b3c-4f1a-8e6d-2c5b7a9f0e33',
    employerId: 'emp_acme',
    trainerId: 'tr_ada',
    projectName: 'Reward model eval',
    milestoneName: 'Batch 1',
    description: '500 prompts, labelled for helpfulness and harmlessness, with a short rationale for each label.',
    billingType: 'fixed_price_milestone',
    currency: 'USD',
    amountCents: 15_000,
    feeCents: null,
    netCents: null,
    refundedCents: 0,
    paymentStatus: 'paid',
    paymentIntentId: 'pi_3PqR5sT6uV7wX8yZ9a0b1c2d',
    chargeId: 'ch_3PqR5sT6uV7wX8yZ9a0b1c2d',
    transferId: null,
    refundIds: [],
    sourceEventId: '0b6d3f52-6c1e-4f57-9a43-8c2f1e5d7a10',
    position: '00000000000000000745-00000000000000001203',
    updatedAt: '2026-03-14T09:05:27.123Z',
    ...overrides,
  };
}

export function payoutInvoiceFixture(overrides: Partial<Invoice> = {}): Invoice {
  return fundingInvoiceFixture({
    id: 'inv_7c2e9b41-1f3d-4a6b-8c5e-0d9f2a7b3e44',
    number: 'T-2026-000001',
    series: 'T-2026',
    kind: 'trainer_payout',
    issuedAt: '2026-03-20T16:42:03.000Z',
    amountCents: 15_000,
    feeCents: 1_500,
    netCents: 13_500,
    paymentIntentId: null,
    transferId: 'tr_1PqS6tU7vW8xY9zA0b1c2d3e',
    sourceEventId: '7c2e9b41-1f3d-4a6b-8c5e-0d9f2a7b3e44',
    position: '00000000000000000801-00000000000000001299',
    updatedAt: '2026-03-20T16:42:03.000Z',
    ...overrides,
  });
}
