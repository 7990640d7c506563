import {
  anyOf, arrayOf, boolean, hash, integer, object, oneOf, string, unsupported, unsupportedKeys,
  type ParamFields,
} from './params';

/*
 * The parameters Stripe accepts on each route this server serves, at the API version it speaks
 * (`defaultApiVersion`), from Stripe's published API definition (the official SDK's request types).
 * Names the table lacks are refused as Stripe refuses them ("Received unknown parameter: …"); names
 * Stripe knows but this server does not model are `unsupported` (refused, never silently ignored).
 * Each route names its entry (`Route.params`); the router validates before the handler runs.
 */

const expand = arrayOf(string());

/** `created=<unix>` or `created[gt|gte|lt|lte]=<unix>`. */
const created = anyOf([integer(), object({ gt: integer(), gte: integer(), lt: integer(), lte: integer() })]);

/** What every list endpoint takes besides its own filters. */
const pagination: ParamFields = {
  ending_before: string(), expand, limit: integer({ min: 1, max: 100 }), starting_after: string(),
};

const retrieve: ParamFields = { expand };

/** Stripe's payment method types (PaymentIntents and SetupIntents share them). */
const paymentMethodTypes = [
  'acss_debit', 'affirm', 'afterpay_clearpay', 'alipay', 'alma', 'amazon_pay', 'au_becs_debit', 'bacs_debit',
  'bancontact', 'billie', 'bizum', 'blik', 'boku_promptpay', 'boleto', 'capchase_pay', 'card', 'card_present',
  'cashapp', 'check_scan', 'click_to_pay', 'crypto', 'customer_balance', 'demo_pay', 'duitnow', 'dummy_auth_push',
  'dummy_passthrough_card', 'edenred', 'eps', 'fpx', 'gcash', 'getbalance', 'gift_card', 'giropay', 'gopay',
  'grabpay', 'id_bank_transfer', 'ideal', 'interac_present', 'kakao_pay', 'klarna', 'knet', 'konbini', 'kr_card',
  'kr_market', 'kriya', 'link', 'mb_way', 'mobilepay', 'momo', 'mondu', 'multibanco', 'naver_pay', 'netbanking',
  'ng_bank', 'ng_bank_transfer', 'ng_card', 'ng_market', 'ng_ussd', 'ng_wallet', 'nz_bank_account', 'octopus',
  'oxxo', 'p24', 'paper_check', 'pay_by_bank', 'payco', 'paynow', 'paypal', 'paypay', 'payto', 'pix', 'promptpay',
  'qris', 'rechnung', 'revolut_pay', 'samsung_pay', 'satispay', 'scalapay', 'sepa_debit', 'sequra', 'shop_pay',
  'shopeepay', 'sofort', 'south_korea_market', 'stripe_balance', 'sunbit', 'swish', 'tamara', 'test_pay',
  'touch_n_go', 'truemoney', 'twint', 'upi', 'us_bank_account', 'us_cash_voucher', 'vipps', 'wechat_pay', 'wero',
  'zip',
] as const;

/** Keys of a PaymentIntent's `payment_method_options` (create and confirm). */
const paymentIntentMethodOptions = unsupportedKeys([
  'acss_debit', 'affirm', 'afterpay_clearpay', 'alipay', 'alma', 'amazon_pay', 'au_becs_debit', 'bacs_debit',
  'bancontact', 'billie', 'bizum', 'blik', 'boleto', 'card', 'card_present', 'cashapp', 'crypto',
  'customer_balance', 'eps', 'fpx', 'giropay', 'grabpay', 'ideal', 'interac_present', 'kakao_pay', 'klarna',
  'konbini', 'kr_card', 'link', 'mb_way', 'mobilepay', 'multibanco', 'naver_pay', 'nz_bank_account', 'oxxo', 'p24',
  'pay_by_bank', 'payco', 'paynow', 'paypal', 'paypay', 'payto', 'pix', 'promptpay', 'revolut_pay', 'samsung_pay',
  'satispay', 'scalapay', 'sepa_debit', 'sequra', 'sofort', 'sunbit', 'swish', 'twint', 'upi', 'us_bank_account',
  'wechat_pay', 'zip',
]);

/** Keys of a SetupIntent's `payment_method_options`. */
const setupIntentMethodOptions = unsupportedKeys([
  'acss_debit', 'amazon_pay', 'bacs_debit', 'bizum', 'blik', 'card', 'card_present', 'klarna', 'link', 'paypal',
  'payto', 'pix', 'sepa_debit', 'upi', 'us_bank_account',
]);

const automaticPaymentMethods = object({ enabled: boolean({ required: true }), allow_redirects: oneOf(['always', 'never']) });

/** A Connect account's capabilities: each one `{requested: boolean}`. */
const capabilityNames = [
  'acss_debit_payments', 'affirm_payments', 'afterpay_clearpay_payments', 'alma_payments', 'amazon_pay_payments',
  'app_distribution', 'au_becs_debit_payments', 'bacs_debit_payments', 'bancontact_payments',
  'bank_transfer_payments', 'billie_payments', 'bizum_payments', 'blik_payments', 'blik_recurring_payments',
  'boleto_payments', 'card_issuing', 'card_payments', 'cartes_bancaires_payments', 'cashapp_payments',
  'crypto_payments', 'eps_payments', 'fpx_payments', 'gb_bank_transfer_payments', 'giropay_payments',
  'grabpay_payments', 'ideal_payments', 'india_international_payments', 'jcb_payments',
  'jp_bank_transfer_payments', 'kakao_pay_payments', 'klarna_payments', 'konbini_payments', 'kr_card_payments',
  'legacy_payments', 'link_payments', 'mb_way_payments', 'mobilepay_payments', 'multibanco_payments',
  'mx_bank_transfer_payments', 'naver_pay_payments', 'nz_bank_account_becs_debit_payments', 'oxxo_payments',
  'p24_payments', 'pay_by_bank_payments', 'payco_payments', 'paynow_payments', 'paypay_payments', 'payto_payments',
  'pix_payments', 'promptpay_payments', 'revolut_pay_payments', 'samsung_pay_payments', 'satispay_payments',
  'scalapay_payments', 'sepa_bank_transfer_payments', 'sepa_debit_payments', 'sequra_payments', 'sofort_payments',
  'sunbit_payments', 'swish_payments', 'tax_reporting_us_1099_k', 'tax_reporting_us_1099_misc', 'transfers',
  'treasury', 'twint_payments', 'upi_payments', 'us_bank_account_ach_payments', 'us_bank_transfer_payments',
  'wero_payments', 'zip_payments',
] as const;
const capabilities = object(Object.fromEntries(capabilityNames.map((name) => [name, object({ requested: boolean() })])));

/** What confirming takes, on `POST /v1/payment_intents/:id/confirm` and with `confirm=true` on create. */
const confirmation = {
  capture_method: unsupported, confirmation_token: unsupported, error_on_requires_action: unsupported,
  mandate: unsupported, mandate_data: unsupported, off_session: anyOf([boolean(), oneOf(['one_off', 'recurring'])]),
  payment_method: string(), payment_method_data: unsupported, payment_method_options: paymentIntentMethodOptions,
  radar_options: unsupported, receipt_email: unsupported, return_url: unsupported, shipping: unsupported,
  use_stripe_sdk: unsupported, hooks: unsupported, payment_details: unsupported, amount_details: unsupported,
  excluded_payment_method_types: unsupported,
} satisfies ParamFields;

export const routeParams = {
  'POST /v1/customers': {
    description: string(), email: string(), expand, metadata: hash({ emptyable: true }), name: string(),
    address: unsupported, balance: unsupported, business_name: unsupported, cash_balance: unsupported,
    individual_name: unsupported, invoice_prefix: unsupported, invoice_settings: unsupported,
    next_invoice_sequence: unsupported, payment_method: unsupported, phone: unsupported,
    preferred_locales: unsupported, shipping: unsupported, source: unsupported, tax: unsupported,
    tax_exempt: unsupported, tax_id_data: unsupported, test_clock: unsupported, validate: unsupported,
  },
  'GET /v1/customers/:id': retrieve,

  'GET /v1/payment_methods/:id': retrieve,
  'POST /v1/payment_methods/:id/attach': { customer: string(), customer_account: unsupported, expand },

  'POST /v1/setup_intents': {
    allowed_payment_method_types: arrayOf(oneOf(paymentMethodTypes)), automatic_payment_methods: automaticPaymentMethods,
    customer: string(), expand, metadata: hash(), payment_method_options: setupIntentMethodOptions,
    usage: oneOf(['on_session', 'off_session']),
    attach_to_self: unsupported, confirm: unsupported, confirmation_token: unsupported, customer_account: unsupported,
    description: unsupported, excluded_payment_method_types: unsupported, flow_directions: unsupported,
    mandate_data: unsupported, on_behalf_of: unsupported, payment_method: unsupported,
    payment_method_configuration: unsupported, payment_method_data: unsupported, return_url: unsupported,
    single_use: unsupported, use_stripe_sdk: unsupported,
  },
  'GET /v1/setup_intents/:id': { ...retrieve, client_secret: unsupported },
  // Stripe.js also sends `client_secret` with a publishable key: taken apart before this table (api-request.ts).
  'POST /v1/setup_intents/:id/confirm': {
    expand, payment_method: string(), return_url: string(), use_stripe_sdk: boolean(),
    allowed_payment_method_types: unsupported, confirmation_token: unsupported, mandate_data: unsupported,
    payment_method_data: unsupported, payment_method_options: unsupported,
  },

  'POST /v1/subscriptions': {
    customer: string({ required: true }),
    items: arrayOf(object({
      price: string(), quantity: integer({ min: 1 }), metadata: hash(),
      current_trial: unsupported, discounts: unsupported, price_data: unsupported, tax_rates: unsupported,
      billing_thresholds: unsupported, plan: unsupported,
    }), { required: true }),
    default_payment_method: string(), expand, metadata: hash({ emptyable: true }),
    payment_behavior: oneOf(['allow_incomplete', 'default_incomplete', 'error_if_incomplete', 'pending_if_incomplete']),
    add_invoice_items: unsupported, application_fee_percent: unsupported, automatic_tax: unsupported,
    backdate_start_date: unsupported, billing_cycle_anchor: unsupported, billing_schedules: unsupported, billing_cycle_anchor_config: unsupported,
    billing_mode: unsupported, billing_thresholds: unsupported, cancel_at: unsupported, cancel_at_period_end: unsupported,
    collection_method: unsupported, currency: unsupported, customer_account: unsupported, days_until_due: unsupported,
    default_source: unsupported, default_tax_rates: unsupported, description: unsupported, discounts: unsupported,
    invoice_settings: unsupported, off_session: unsupported, on_behalf_of: unsupported, payment_settings: unsupported,
    pending_invoice_item_interval: unsupported, proration_behavior: unsupported, transfer_data: unsupported,
    trial_end: unsupported, trial_from_plan: unsupported, trial_period_days: unsupported, trial_settings: unsupported,
  },
  'GET /v1/subscriptions/:id': retrieve,
  'DELETE /v1/subscriptions/:id': { expand, cancellation_details: unsupported, invoice_now: unsupported, prorate: unsupported },

  'POST /v1/payment_intents': {
    ...confirmation,
    amount: integer({ required: true, min: 1 }), currency: string({ required: true }),
    allowed_payment_method_types: arrayOf(oneOf(paymentMethodTypes)), automatic_payment_methods: automaticPaymentMethods,
    confirm: boolean(), customer: string(), description: string(), expand, metadata: hash(),
    setup_future_usage: oneOf(['off_session', 'on_session']), transfer_group: string(),
    application_fee_amount: unsupported, confirmation_method: unsupported, customer_account: unsupported,
    on_behalf_of: unsupported, payment_method_configuration: unsupported, statement_descriptor: unsupported,
    statement_descriptor_suffix: unsupported, transfer_data: unsupported,
  },
  'GET /v1/payment_intents/search': { query: string({ required: true }), expand, limit: integer({ min: 1, max: 100 }), page: string() },
  'GET /v1/payment_intents': { ...pagination, created, customer: string(), customer_account: unsupported },
  'GET /v1/payment_intents/:id': { ...retrieve, client_secret: unsupported },
  'POST /v1/payment_intents/:id/confirm': {
    ...confirmation, expand, allowed_payment_method_types: unsupported, amount_to_confirm: unsupported,
    setup_future_usage: unsupported,
  },
  'POST /v1/payment_intents/:id/cancel': {
    cancellation_reason: oneOf(['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned']), expand,
  },

  'GET /v1/charges': { ...pagination, created, customer: string(), payment_intent: string(), transfer_group: string() },
  'GET /v1/charges/:id': retrieve,

  'POST /v1/transfers': {
    amount: integer({ required: true, min: 1 }), currency: string({ required: true }),
    destination: string({ required: true }), description: string(), expand, metadata: hash(),
    source_transaction: string(), transfer_group: string(), source_type: unsupported,
  },
  'GET /v1/transfers': { ...pagination, created, destination: string(), transfer_group: string() },
  'GET /v1/transfers/:id': retrieve,
  'POST /v1/transfers/:id/reversals': {
    amount: integer(), expand, metadata: hash({ emptyable: true }), description: unsupported,
    refund_application_fee: unsupported,
  },
  'GET /v1/transfers/:id/reversals': pagination,
  'GET /v1/transfers/:id/reversals/:reversal': retrieve,

  'POST /v1/refunds': {
    amount: integer({ min: 1 }), charge: string(), expand, metadata: hash({ emptyable: true }),
    payment_intent: string(), reason: oneOf(['duplicate', 'fraudulent', 'requested_by_customer']),
    currency: unsupported, customer: unsupported, instructions_email: unsupported, origin: unsupported,
    refund_application_fee: unsupported, reverse_transfer: unsupported,
  },
  'GET /v1/refunds': { ...pagination, charge: string(), created, payment_intent: string() },
  'GET /v1/refunds/:id': retrieve,

  'POST /v1/accounts': {
    capabilities, country: string(), email: string(), expand, metadata: hash({ emptyable: true }),
    type: oneOf(['custom', 'express', 'standard']),
    account_token: unsupported, business_profile: unsupported, business_type: unsupported, company: unsupported,
    controller: unsupported, default_currency: unsupported, documents: unsupported, external_account: unsupported,
    groups: unsupported, individual: unsupported, settings: unsupported, tos_acceptance: unsupported,
  },
  'GET /v1/accounts/:id': retrieve,
  'POST /v1/account_links': {
    account: string({ required: true }), type: oneOf(['account_onboarding', 'account_update'], { required: true }),
    expand, refresh_url: string(), return_url: string(), collect: unsupported, collection_options: unsupported,
  },

  'GET /v1/disputes/:id': retrieve,
  'GET /v1/events': {
    ...pagination, created, type: string(), types: arrayOf(string()), delivery_success: unsupported,
  },
  'GET /v1/events/:id': retrieve,
  'GET /v1/balance': retrieve,
} satisfies Record<string, ParamFields>;

export type RouteName = keyof typeof routeParams;
