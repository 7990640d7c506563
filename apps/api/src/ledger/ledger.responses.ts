import { ApiProperty } from '@nestjs/swagger';

/** What the ledger routes answer (escrow-ledger.response.ts builds them), for the OpenAPI document. */
const money = { type: String, example: '150.00', description: 'A decimal amount in USD, two decimals; may be negative for a balance.' } as const;
const bound = { type: String, nullable: true, description: 'The bound as asked (a position or an instant), or null for none.' } as const;
const ledgerPosition = { type: String, nullable: true, description: 'The last log position the ledger had applied when read; null for an empty ledger.' } as const;

export class AccountBalanceResponse {
  @ApiProperty({ example: 'escrow:contract:c_1' }) account!: string;
  @ApiProperty(money) debits!: string;
  @ApiProperty(money) credits!: string;
  @ApiProperty(money) balance!: string;
}

export class TrialBalanceResponse {
  @ApiProperty(bound) asOf!: string | null;
  @ApiProperty(ledgerPosition) position!: string | null;
  @ApiProperty({ type: [AccountBalanceResponse] }) accounts!: AccountBalanceResponse[];
  @ApiProperty(money) totalDebits!: string;
  @ApiProperty(money) totalCredits!: string;
  @ApiProperty({ description: 'Debits equal credits: always true unless the ledger is broken.' }) balanced!: boolean;
}

export class BalancesResponse {
  @ApiProperty(bound) asOf!: string | null;
  @ApiProperty(ledgerPosition) position!: string | null;
  @ApiProperty({ type: [AccountBalanceResponse], description: "The accounts the caller may see: a party only its own contracts'." })
  balances!: AccountBalanceResponse[];
}

export class LedgerEntryResponse {
  @ApiProperty() transactionId!: string;
  @ApiProperty() position!: string;
  @ApiProperty({ type: String, format: 'date-time' }) occurredAt!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty() eventType!: string;
  @ApiProperty() contractId!: string;
  @ApiProperty() milestoneId!: string;
  @ApiProperty({ description: 'The charge, transfer or refund id at the provider.' }) stripeReference!: string;
  @ApiProperty(money) debit!: string;
  @ApiProperty(money) credit!: string;
  @ApiProperty({ ...money, description: "The account's balance after this entry." }) balance!: string;
}

export class AccountEntriesResponse {
  @ApiProperty() account!: string;
  @ApiProperty(bound) from!: string | null;
  @ApiProperty(bound) to!: string | null;
  @ApiProperty({ type: [LedgerEntryResponse] }) entries!: LedgerEntryResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page.' }) nextCursor!: string | null;
}
