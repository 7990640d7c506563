import type { Actor } from '@escrow/domain';
import { eventually, type RunningApp } from './app';

export const employer: Actor = { role: 'employer', id: 'emp_acme' };
export const trainer: Actor = { role: 'trainer', id: 'tr_ada' };
export const otherEmployer: Actor = { role: 'employer', id: 'emp_other' };
export const otherTrainer: Actor = { role: 'trainer', id: 'tr_other' };
export const support: Actor = { role: 'support', id: 'sup_1' };

export const hireBody = (amount = '150.00') => ({
  projectName: 'Reward model eval',
  trainerId: trainer.id,
  firstMilestone: { name: 'Batch 1', description: '500 prompts', amount, dueDate: '2026-12-31' },
});

/** The steps of the milestone lifecycle, each asserting its own HTTP outcome. */
export function lifecycle(api: RunningApp) {
  const milestonePath = (cid: string, mid: string, action: string) => `/v1/contracts/${cid}/milestones/${mid}/${action}`;
  return {
    async setUpBilling(paymentMethodId = 'pm_card_visa', withPayoutAccount = true) {
      const attached = await api.request('POST', `/v1/employers/${employer.id}/payment-method`, { as: employer, body: { paymentMethodId } });
      expect(attached.status).toBe(200);
      if (withPayoutAccount) {
        const connected = await api.request('POST', `/v1/trainers/${trainer.id}/payout-account`, { as: trainer, body: {} });
        expect(connected.status).toBe(200);
      }
    },
    async hire(amount = '150.00') {
      const hired = await api.request('POST', '/v1/contracts', { as: employer, body: hireBody(amount) });
      expect(hired.status).toBe(201);
      return hired.body as { contractId: string; milestoneId: string; position: string };
    },
    async fund(cid: string, mid: string) {
      const funded = await api.request('POST', milestonePath(cid, mid, 'fund'), { as: employer, body: {} });
      expect(funded.body).toMatchObject({ status: 'funding' });
      expect(funded.status).toBe(202);
      return funded.body;
    },
    async requestApproval(cid: string, mid: string) {
      const requested = await api.request('POST', milestonePath(cid, mid, 'request-approval'), { as: trainer, body: { note: 'done' } });
      expect(requested.body).toMatchObject({ status: 'pending_approval' });
      return requested.body;
    },
    async approve(cid: string, mid: string) {
      const approved = await api.request('POST', milestonePath(cid, mid, 'approve'), { as: employer, body: {} });
      expect(approved.body).toMatchObject({ status: 'approved' });
      return approved.body;
    },
    /** The contract view; with `minPosition`, once the view has applied that event (read-your-writes). */
    async contract(cid: string, as: Actor = employer, minPosition?: string) {
      const query = minPosition === undefined ? '' : `?minPosition=${encodeURIComponent(minPosition)}`;
      const view = await api.request('GET', `/v1/contracts/${cid}${query}`, { as });
      expect(view.status).toBe(200);
      return view.body;
    },
    /** Waits for the saga and the projection to bring the milestone to `status`. */
    async milestoneReaches(cid: string, mid: string, status: string, timeoutMs?: number) {
      return eventually(async () => {
        const view = await api.request('GET', `/v1/contracts/${cid}`, { as: employer });
        const milestone = view.body?.milestones?.find((m: { milestoneId: string }) => m.milestoneId === mid);
        return milestone?.status === status ? milestone : undefined;
      }, `milestone ${mid} to become ${status}`, timeoutMs);
    },
    /** A new contract whose first milestone is funded (the charge made). */
    async fundedMilestone(amount = '150.00') {
      const hired = await this.hire(amount);
      await this.fund(hired.contractId, hired.milestoneId);
      await this.milestoneReaches(hired.contractId, hired.milestoneId, 'funded');
      return hired;
    },
    /** A new contract whose first milestone went all the way to paid. */
    async paidMilestone(amount = '150.00') {
      const funded = await this.fundedMilestone(amount);
      await this.requestApproval(funded.contractId, funded.milestoneId);
      await this.approve(funded.contractId, funded.milestoneId);
      await this.milestoneReaches(funded.contractId, funded.milestoneId, 'paid');
      return funded;
    },
  };
}
