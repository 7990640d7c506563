import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ts from 'typescript';
import type { ParamFields, ParamSpec } from './params';
import { routeParams, type RouteName } from './route-params';

/**
 * The parameter table against Stripe's own API definition, as the official SDK ships it (its request
 * types are generated from Stripe's OpenAPI spec for the version it pins, which is this server's):
 * the same names at every level the table spells out, the same enum values, the same "can be unset".
 */

const sdkRequestTypes: Record<RouteName, [file: string, name: string]> = {
  'POST /v1/customers': ['Customers', 'CustomerCreateParams'],
  'GET /v1/customers/:id': ['Customers', 'CustomerRetrieveParams'],
  'GET /v1/payment_methods/:id': ['PaymentMethods', 'PaymentMethodRetrieveParams'],
  'POST /v1/payment_methods/:id/attach': ['PaymentMethods', 'PaymentMethodAttachParams'],
  'POST /v1/setup_intents': ['SetupIntents', 'SetupIntentCreateParams'],
  'GET /v1/setup_intents/:id': ['SetupIntents', 'SetupIntentRetrieveParams'],
  'POST /v1/setup_intents/:id/confirm': ['SetupIntents', 'SetupIntentConfirmParams'],
  'POST /v1/subscriptions': ['Subscriptions', 'SubscriptionCreateParams'],
  'GET /v1/subscriptions/:id': ['Subscriptions', 'SubscriptionRetrieveParams'],
  'DELETE /v1/subscriptions/:id': ['Subscriptions', 'SubscriptionCancelParams'],
  'POST /v1/payment_intents': ['PaymentIntents', 'PaymentIntentCreateParams'],
  'GET /v1/payment_intents/search': ['PaymentIntents', 'PaymentIntentSearchParams'],
  'GET /v1/payment_intents': ['PaymentIntents', 'PaymentIntentListParams'],
  'GET /v1/payment_intents/:id': ['PaymentIntents', 'PaymentIntentRetrieveParams'],
  'POST /v1/payment_intents/:id/confirm': ['PaymentIntents', 'PaymentIntentConfirmParams'],
  'POST /v1/payment_intents/:id/cancel': ['PaymentIntents', 'PaymentIntentCancelParams'],
  'GET /v1/charges': ['Charges', 'ChargeListParams'],
  'GET /v1/charges/:id': ['Charges', 'ChargeRetrieveParams'],
  'POST /v1/transfers': ['Transfers', 'TransferCreateParams'],
  'GET /v1/transfers': ['Transfers', 'TransferListParams'],
  'GET /v1/transfers/:id': ['Transfers', 'TransferRetrieveParams'],
  'POST /v1/transfers/:id/reversals': ['Transfers', 'TransferCreateReversalParams'],
  'GET /v1/transfers/:id/reversals': ['Transfers', 'TransferListReversalsParams'],
  'GET /v1/transfers/:id/reversals/:reversal': ['Transfers', 'TransferRetrieveReversalParams'],
  'POST /v1/refunds': ['Refunds', 'RefundCreateParams'],
  'GET /v1/refunds': ['Refunds', 'RefundListParams'],
  'GET /v1/refunds/:id': ['Refunds', 'RefundRetrieveParams'],
  'POST /v1/accounts': ['Accounts', 'AccountCreateParams'],
  'GET /v1/accounts/:id': ['Accounts', 'AccountRetrieveParams'],
  'POST /v1/account_links': ['AccountLinks', 'AccountLinkCreateParams'],
  'GET /v1/disputes/:id': ['Disputes', 'DisputeRetrieveParams'],
  'GET /v1/events': ['Events', 'EventListParams'],
  'GET /v1/events/:id': ['Events', 'EventRetrieveParams'],
  'GET /v1/balance': ['Balance', 'BalanceRetrieveParams'],
};

type Declaration = ts.InterfaceDeclaration | ts.TypeAliasDeclaration;

const sdkDir = dirname(require.resolve('stripe'));

/** Interfaces and type aliases of one declaration file by qualified name (`A.B.C` inside namespaces). */
function declarationsOf(path: string): Map<string, Declaration> {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found = new Map<string, Declaration>();
  const visit = (node: ts.Node, prefix: string): void => {
    if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) found.set(prefix + node.name.text, node);
    if (ts.isModuleDeclaration(node) && node.body !== undefined && ts.isModuleBlock(node.body)) {
      for (const statement of node.body.statements) visit(statement, `${prefix}${node.name.text}.`);
    }
  };
  for (const statement of source.statements) visit(statement, '');
  return found;
}

const shared = declarationsOf(join(sdkDir, 'shared.d.ts'));

class SdkTypes {
  private readonly own: Map<string, Declaration>;

  constructor(file: string) {
    this.own = declarationsOf(join(sdkDir, 'resources', `${file}.d.ts`));
  }

  /** A name as TypeScript resolves it from inside `scope` (innermost namespace first), then the shared file. */
  resolve(name: string, scope: string): Declaration | undefined {
    const parts = scope.split('.');
    for (let depth = parts.length; depth >= 0; depth -= 1) {
      const found = this.own.get([...parts.slice(0, depth), name].join('.'));
      if (found !== undefined) return found;
    }
    return shared.get(name);
  }

  qualifiedName(declaration: Declaration): string {
    for (const [name, found] of [...this.own, ...shared]) if (found === declaration) return name;
    return declaration.name.text;
  }
}

interface SdkType {
  node: ts.TypeNode;
  scope: string;
  emptyable: boolean;
}

/** Follows aliases and `Emptyable<T>` to the type itself. */
function unwrap(types: SdkTypes, type: SdkType): SdkType {
  const { node } = type;
  if (ts.isTypeReferenceNode(node)) {
    const name = node.typeName.getText();
    const [argument] = node.typeArguments ?? [];
    if (name === 'Emptyable' && argument !== undefined) return unwrap(types, { ...type, node: argument, emptyable: true });
    const declaration = types.resolve(name, type.scope);
    if (declaration !== undefined && ts.isTypeAliasDeclaration(declaration) && name !== 'MetadataParam') {
      return unwrap(types, { ...type, node: declaration.type, scope: types.qualifiedName(declaration) });
    }
  }
  return type;
}

function literals(node: ts.TypeNode): string[] | null {
  const members = ts.isUnionTypeNode(node) ? node.types : [node];
  const values = members.flatMap((member) =>
    (ts.isLiteralTypeNode(member) && ts.isStringLiteral(member.literal) ? [member.literal.text] : []));
  return values.length === 0 ? null : values;
}

function fieldsOf(types: SdkTypes, declaration: ts.InterfaceDeclaration, scope: string): Map<string, SdkType> {
  const fields = new Map<string, SdkType>();
  for (const clause of declaration.heritageClauses ?? []) {
    for (const parent of clause.types) {
      const inherited = types.resolve(parent.expression.getText(), scope);
      if (inherited !== undefined && ts.isInterfaceDeclaration(inherited)) {
        for (const [name, type] of fieldsOf(types, inherited, types.qualifiedName(inherited))) fields.set(name, type);
      }
    }
  }
  for (const member of declaration.members) {
    if (ts.isPropertySignature(member) && member.type !== undefined) {
      fields.set(member.name.getText(), { node: member.type, scope, emptyable: false });
    }
  }
  return fields;
}

function compareFields(types: SdkTypes, table: ParamFields, sdk: Map<string, SdkType>, path: string): string[] {
  const at = (name: string): string => (path === '' ? name : `${path}[${name}]`);
  const problems = [...sdk.keys()].filter((name) => table[name] === undefined).map((name) => `${at(name)}: Stripe takes it, the table lacks it`);
  for (const [name, spec] of Object.entries(table)) {
    const type = sdk.get(name);
    if (type === undefined) problems.push(`${at(name)}: in the table, but Stripe takes no such parameter`);
    else problems.push(...compareSpec(types, spec, type, at(name)));
  }
  return problems;
}

function compareSpec(types: SdkTypes, spec: ParamSpec, declared: SdkType, path: string): string[] {
  if (spec.type === 'unsupported' || spec.type === 'anyOf') return [];
  const type = unwrap(types, declared);
  const problems = (spec.emptyable === true) === type.emptyable ? []
    : [`${path}: Stripe ${type.emptyable ? 'lets it be unset (empty)' : 'does not let it be unset'}, the table says otherwise`];
  const { node } = type;
  switch (spec.type) {
    case 'object': {
      const name = ts.isTypeReferenceNode(node) ? node.typeName.getText() : '';
      const declaration = types.resolve(name, type.scope);
      if (declaration === undefined || !ts.isInterfaceDeclaration(declaration)) return [...problems, `${path}: Stripe's is no object (${node.getText()})`];
      const scope = types.qualifiedName(declaration);
      return [...problems, ...compareFields(types, spec.fields, fieldsOf(types, declaration, scope), path)];
    }
    case 'enum': {
      const values = literals(node);
      if (values === null) return [...problems, `${path}: Stripe's is no enum (${node.getText()})`];
      const same = [...values].sort().join(',') === [...spec.values].sort().join(',');
      return same ? problems : [...problems, `${path}: Stripe's values are ${values.join(', ')}`];
    }
    case 'array': {
      const items = ts.isTypeReferenceNode(node) && node.typeName.getText() === 'Array' ? node.typeArguments?.[0] : undefined;
      if (items === undefined) return [...problems, `${path}: Stripe's is no array (${node.getText()})`];
      return [...problems, ...compareSpec(types, spec.items, { node: items, scope: type.scope, emptyable: false }, `${path}[]`)];
    }
    case 'hash':
      return ts.isTypeReferenceNode(node) && node.typeName.getText() === 'MetadataParam' ? problems
        : [...problems, `${path}: Stripe's is no metadata hash (${node.getText()})`];
    case 'string':
      return node.kind === ts.SyntaxKind.StringKeyword ? problems : [...problems, `${path}: Stripe's is ${node.getText()}`];
    case 'integer':
      return node.kind === ts.SyntaxKind.NumberKeyword ? problems : [...problems, `${path}: Stripe's is ${node.getText()}`];
    case 'boolean':
      return node.kind === ts.SyntaxKind.BooleanKeyword ? problems : [...problems, `${path}: Stripe's is ${node.getText()}`];
    default: {
      const exhaustive: never = spec;
      return exhaustive;
    }
  }
}

describe('Stripe-compatible test server: the parameter table', () => {
  test.each(Object.keys(sdkRequestTypes) as RouteName[])('%s takes what Stripe takes', (route) => {
    const [file, name] = sdkRequestTypes[route];
    const types = new SdkTypes(file);
    const declaration = types.resolve(name, '');
    if (declaration === undefined || !ts.isInterfaceDeclaration(declaration)) throw new Error(`no ${name} in the SDK's ${file}`);
    expect(compareFields(types, routeParams[route], fieldsOf(types, declaration, name), '')).toEqual([]);
  });

  test('every route in the table is compared', () => {
    expect(Object.keys(sdkRequestTypes).sort()).toEqual(Object.keys(routeParams).sort());
  });
});
