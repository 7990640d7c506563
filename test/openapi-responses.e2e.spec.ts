import type { Actor } from '@escrow/domain';
import { eventually, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { employer, hireBody, lifecycle, support, trainer } from './support/lifecycle';
import { openApiResponses } from './support/openapi-responses';

const finance: Actor = { role: 'finance', id: 'fin_openapi' };

/**
 * The OpenAPI document against the real thing: a whole milestone lifecycle, its ledger and
 * invoices, and the errors, each answer checked against the schema documented for its route and
 * status (any answer that does not match fails the request that got it).
 */
describeEachDatabase('responses match the OpenAPI document', (target) => {
  const responses = openApiResponses();
  const app = withApp(target, { env: { PLATFORM_FEE_BPS: '1000' }, onResponse: responses.onResponse });

  /** Downloads are not JSON: fetched here, and their status and content type checked against the document. */
  async function download(path: string, as: Actor) {
    const response = await fetch(`${app.api.baseUrl}${path}`, { headers: { authorization: `Bearer ${app.api.token(as.role, as.id)}` } });
    const bytes = Buffer.from(await response.arrayBuffer());
    await responses.onResponse({ baseUrl: app.api.baseUrl, method: 'GET', path, response: { status: response.status, body: undefined, headers: response.headers } });
    return { status: response.status, contentType: response.headers.get('content-type'), bytes };
  }

  it('documents every answer of a milestone lifecycle: hire, add a milestone, fund, request approval, approve, paid', async () => {
    const steps = lifecycle(app.api);
    await steps.setUpBilling();
    const { contractId, milestoneId, position } = await steps.hire('150.00');
    const added = await app.api.request('POST', `/v1/contracts/${contractId}/milestones`, { as: employer, body: { name: 'Batch 2', amount: '80.00' } });
    expect(added.status).toBe(201);

    await steps.fund(contractId, milestoneId);
    await steps.milestoneReaches(contractId, milestoneId, 'funded');
    await steps.requestApproval(contractId, milestoneId);
    await steps.approve(contractId, milestoneId);
    const paid = await steps.milestoneReaches(contractId, milestoneId, 'paid');
    expect(paid).toMatchObject({ amount: '150.00', fee: '15.00', net: '135.00' });

    const view = await app.api.request('GET', `/v1/contracts/${contractId}?minPosition=${position}`, { as: employer });
    expect(view.body.milestones).toHaveLength(2);
    expect((await app.api.request('GET', `/v1/contracts/${contractId}/events`, { as: employer })).status).toBe(200);
    expect((await app.api.request('GET', `/v1/contracts/${contractId}/replay`, { as: employer })).status).toBe(200);
    const payments = await eventually(async () => {
      const read = await app.api.request('GET', `/v1/contracts/${contractId}/payments`, { as: employer });
      return read.body.payments.length === 1 ? read : undefined;
    }, 'the payment history to show the payout');
    expect(payments.body.payments[0]).toMatchObject({ milestoneId, amount: '150.00' });

    expect(responses.checked).toEqual(expect.arrayContaining([
      'POST /v1/contracts 201',
      `POST /v1/contracts/${contractId}/milestones 201`,
      `POST /v1/contracts/${contractId}/milestones/${milestoneId}/fund 202`,
      `POST /v1/contracts/${contractId}/milestones/${milestoneId}/request-approval 200`,
      `POST /v1/contracts/${contractId}/milestones/${milestoneId}/approve 200`,
      `GET /v1/contracts/${contractId} 200`,
    ]));
  });

  it('documents the ledger reads and the invoices, JSON and downloads', async () => {
    const steps = lifecycle(app.api);
    await steps.setUpBilling();
    const { contractId, milestoneId } = await steps.hire('90.00');
    await steps.fund(contractId, milestoneId);
    await steps.milestoneReaches(contractId, milestoneId, 'funded');
    await steps.requestApproval(contractId, milestoneId);
    await steps.approve(contractId, milestoneId);
    await steps.milestoneReaches(contractId, milestoneId, 'paid');

    const trial = await app.api.request('GET', '/v1/ledger/trial-balance', { as: finance });
    expect(trial.body.balanced).toBe(true);
    const balances = await eventually(async () => {
      const read = await app.api.request('GET', '/v1/ledger/balances', { as: employer });
      return read.body.balances.some((line: { account: string }) => line.account.includes(contractId)) ? read : undefined;
    }, 'the ledger to post the contract');
    const account = balances.body.balances.find((line: { account: string }) => line.account.includes(contractId)).account as string;
    const entries = await app.api.request('GET', `/v1/ledger/accounts/${encodeURIComponent(account)}?limit=1`, { as: employer });
    expect(entries.body.entries).toHaveLength(1);
    expect(entries.body.nextCursor).toEqual(expect.any(String));

    const invoices = await eventually(async () => {
      const read = await app.api.request('GET', `/v1/invoices?contractId=${contractId}`, { as: finance });
      return read.body.invoices.length === 2 ? read : undefined;
    }, 'the funding and payout invoices');
    const invoiceId = invoices.body.invoices[0].id as string;
    expect((await app.api.request('GET', `/v1/invoices/${invoiceId}`, { as: finance })).status).toBe(200);

    expect(await download(`/v1/invoices/${invoiceId}.pdf`, finance)).toMatchObject({ status: 200, contentType: 'application/pdf' });
    expect(await download(`/v1/invoices.csv?contractId=${contractId}`, finance)).toMatchObject({ status: 200, contentType: 'text/csv; charset=utf-8' });
    expect(await download('/v1/ledger/entries.csv', finance)).toMatchObject({ status: 200, contentType: 'text/csv; charset=utf-8' });
    expect(responses.checked).toEqual(expect.arrayContaining([
      'GET /v1/ledger/trial-balance 200',
      'GET /v1/ledger/balances 200',
      `GET /v1/invoices/${invoiceId}.pdf 200`,
      'GET /v1/ledger/entries.csv 200',
    ]));
  });

  it('documents the reads around a dispute, and the operator and feed routes', async () => {
    const steps = lifecycle(app.api);
    await steps.setUpBilling();
    const { contractId, milestoneId } = await steps.hire('120.00');
    await steps.fund(contractId, milestoneId);
    await steps.milestoneReaches(contractId, milestoneId, 'funded');
    const milestonePath = `/v1/contracts/${contractId}/milestones/${milestoneId}`;
    expect((await app.api.request('POST', `${milestonePath}/dispute`, { as: trainer, body: { reason: 'the employer went silent' } })).body).toMatchObject({ status: 'disputed' });
    await eventually(async () => {
      const queue = await app.api.request('GET', '/v1/disputes', { as: support });
      return queue.body.disputes.some((d: { contractId: string }) => d.contractId === contractId) ? queue : undefined;
    }, 'the disputes queue to list the dispute');
    expect((await app.api.request('POST', `${milestonePath}/notes`, { as: support, body: { note: 'asked both parties' } })).status).toBe(201);
    const split = { resolution: 'split', trainerAmount: '50.00', note: 'half the work was delivered' };
    expect((await app.api.request('POST', `${milestonePath}/resolve`, { as: support, body: split })).status).toBe(200);
    expect((await app.api.request('GET', `/v1/contracts/${contractId}/case-file`, { as: support })).status).toBe(200);
    expect(await download(`/v1/contracts/${contractId}/case-file.pdf`, support)).toMatchObject({ status: 200, contentType: 'application/pdf' });

    const notifications = await app.api.request('GET', '/v1/notifications?limit=5', { as: employer });
    expect(notifications.body.notifications.length).toBeGreaterThan(0);
    expect((await app.api.request('POST', '/v1/notifications/read-all', { as: employer })).status).toBe(200);
    expect((await app.api.request('GET', `/v1/employers/${employer.id}/subscription`, { as: employer })).body).toMatchObject({ employerId: employer.id });
    expect((await app.api.request('POST', `/v1/employers/${employer.id}/setup-intent`, { as: employer, body: {} })).status).toBe(200);
    expect((await app.api.request('GET', '/v1/admin/payments/stuck', { as: support })).status).toBe(200);
    expect((await app.api.request('GET', '/v1/events/page?limit=5', { as: finance })).body.events).toHaveLength(5);
    expect(await download('/v1/events/asyncapi', finance)).toMatchObject({ status: 200, contentType: 'application/yaml; charset=utf-8' });
    expect((await app.api.request('GET', '/v1/audit/verify', { as: finance })).body).toMatchObject({ ok: true });
    expect((await app.api.request('GET', '/v1/audit/anchor', { as: finance })).status).toBe(200);
    for (const path of ['/health', '/health/live', '/health/ready']) expect((await app.api.request('GET', path)).status).toBe(200);
    expect(responses.checked).toEqual(expect.arrayContaining(['GET /v1/disputes 200', 'GET /health/ready 200', 'GET /v1/audit/verify 200']));
  });

  it('documents the error body: a validation refusal, a missing contract, a missing token, a forbidden role', async () => {
    const invalid = await app.api.request('POST', '/v1/contracts', { as: employer, body: { ...hireBody(), firstMilestone: { name: 'x', amount: '-1' } } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.message).toMatch(/amount/);
    const unknownField = await app.api.request('POST', '/v1/contracts', { as: employer, body: { ...hireBody(), bonus: 1 } });
    expect(unknownField.status).toBe(400);

    const missing = await app.api.request('GET', '/v1/contracts/c_does_not_exist', { as: employer });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ statusCode: 404, code: expect.any(String) });

    expect((await app.api.request('GET', '/v1/ledger/trial-balance')).status).toBe(401);
    expect((await app.api.request('GET', '/v1/ledger/trial-balance', { as: trainer })).status).toBe(403);
    const milestoneOfNobody = await app.api.request('POST', '/v1/contracts/c_nobody/milestones/m_nobody/resolve', { as: support, body: { resolution: 'refund', note: 'n' } });
    expect(milestoneOfNobody.status).toBe(404);
  });
});
