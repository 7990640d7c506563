import { useEffect, useState } from 'preact/hooks';
import { whenUnauthorized } from './api';
import { AccountEntriesPage } from './finance/account-entries';
import { TrialBalancePage } from './finance/trial-balance';
import { href, navigate, useRoute } from './router';
import { keepSession, restoreSession, type Role, type Session } from './session';
import { InvoicesPage } from './shared/invoices';
import { isStripeReturn, PaymentMethodPage } from './billing/payment-method';
import { PayoutAccountPage } from './billing/payout-account';
import { ContractPage } from './contracts/contract-page';
import { ContractsPage } from './contracts/contracts-page';
import { DisputesPage } from './support/disputes';
import { AuditPage } from './finance/audit';
import { ReconciliationPage } from './finance/reconciliation';
import { NotificationsPage } from './shared/notifications';
import { ReplayPage } from './support/replay';
import { StuckPaymentsPage } from './support/stuck-payments';
import { SignIn } from './sign-in/sign-in';

interface NavItem {
  readonly route: string;
  readonly label: string;
}

/** The pages each role is offered; the api still decides, per request, what each may read or do. */
const navigation: Record<Role, readonly NavItem[]> = {
  finance: [
    { route: '/ledger/trial-balance', label: 'Trial balance' },
    { route: '/ledger/reconciliation', label: 'Reconciliation' },
    { route: '/audit', label: 'Audit' },
    { route: '/contracts', label: 'Contracts' },
    { route: '/invoices', label: 'Invoices' },
  ],
  support: [
    { route: '/disputes', label: 'Disputes' },
    { route: '/stuck-payments', label: 'Stuck payments' },
    { route: '/contracts', label: 'Contracts' },
    { route: '/ledger/trial-balance', label: 'Trial balance' },
    { route: '/invoices', label: 'Invoices' },
  ],
  employer: [
    { route: '/contracts', label: 'Contracts' },
    { route: '/invoices', label: 'Reports' },
    { route: '/billing', label: 'Billing' },
    { route: '/notifications', label: 'Notifications' },
  ],
  trainer: [
    { route: '/contracts', label: 'Milestones' },
    { route: '/payouts', label: 'Payouts' },
    { route: '/invoices', label: 'Payout invoices' },
    { route: '/notifications', label: 'Notifications' },
  ],
  service: [],
};

export function Console() {
  const [session, setSession] = useState<Session | null>(restoreSession);
  const [notice, setNotice] = useState<string>();
  const signOut = (why?: string) => {
    keepSession(null);
    setSession(null);
    setNotice(why);
  };
  useEffect(() => whenUnauthorized((message) => signOut(`Signed out: the api refused the token (${message}).`)), []);
  if (!session) {
    return (
      <SignIn
        notice={notice}
        onSignIn={(next) => {
          keepSession(next);
          setNotice(undefined);
          setSession(next);
          navigate(navigation[next.role][0]?.route ?? '/');
        }}
      />
    );
  }
  return <SignedIn session={session} onSignOut={() => signOut()} />;
}

function SignedIn(props: { session: Session; onSignOut: () => void }) {
  const route = useRoute();
  const items = navigation[props.session.role];
  return (
    <>
      <header class="top">
        <a class="brand" href={href(items[0]?.route ?? '/')}>
          escrow-ledger
        </a>
        <nav aria-label="Pages">
          <ul>
            {items.map((item) => (
              <li key={item.route}>
                <a href={href(item.route)} aria-current={route.startsWith(item.route) ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <p class="who">
          {props.session.role} <span class="id">{props.session.id}</span>
        </p>
        <button type="button" onClick={props.onSignOut}>
          Sign out
        </button>
      </header>
      <main>{page(route, props.session)}</main>
    </>
  );
}

function page(route: string, session: Session) {
  // Back from Stripe after a redirect: the address names the SetupIntent, whatever the hash says.
  if (session.role === 'employer' && isStripeReturn()) return <PaymentMethodPage session={session} />;
  const account = /^\/ledger\/accounts\/(.+)$/.exec(route);
  if (account?.[1]) return <AccountEntriesPage session={session} account={account[1]} />;
  const replay = /^\/contracts\/([^/]+)\/replay$/.exec(route);
  if (replay?.[1]) return <ReplayPage key={replay[1]} session={session} contractId={replay[1]} />;
  const contract = /^\/contracts\/([^/]+)$/.exec(route);
  if (contract?.[1]) return <ContractPage key={contract[1]} session={session} contractId={contract[1]} />;
  const label = (r: string) => navigation[session.role].find((i) => i.route === r)?.label;
  switch (route) {
    case '/contracts':
      return <ContractsPage session={session} title={label('/contracts') ?? 'Contracts'} />;
    case '/ledger/reconciliation':
      return <ReconciliationPage session={session} />;
    case '/audit':
      return <AuditPage session={session} />;
    case '/notifications':
      return <NotificationsPage session={session} />;
    case '/disputes':
      return <DisputesPage session={session} />;
    case '/stuck-payments':
      return <StuckPaymentsPage session={session} />;
    case '/billing':
      return <PaymentMethodPage session={session} />;
    case '/payouts':
      return <PayoutAccountPage session={session} />;
    case '/ledger/trial-balance':
      return <TrialBalancePage session={session} />;
    case '/invoices':
      return <InvoicesPage session={session} title={label('/invoices')} />;
    default:
      return navigation[session.role].length === 0 ? (
        <p>The {session.role} role has no pages in the console: services read the api and the event feed.</p>
      ) : (
        <p>
          Nothing here. Go to <a href={href(navigation[session.role][0]!.route)}>{navigation[session.role][0]!.label}</a>.
        </p>
      );
  }
}
