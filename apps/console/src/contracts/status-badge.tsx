import type { MilestoneStatus } from '../api-types';

const tone: Record<MilestoneStatus, 'wait' | 'ok' | 'bad' | 'plain'> = {
  pending: 'plain',
  funding: 'wait',
  funded: 'wait',
  pending_approval: 'wait',
  approved: 'wait',
  paid: 'ok',
  disputed: 'bad',
  refunded: 'plain',
  cancelled: 'plain',
};

export function StatusBadge(props: { status: MilestoneStatus; label?: string }) {
  return <span class={`badge ${tone[props.status]}`}>{props.label ?? props.status.replace('_', ' ')}</span>;
}
