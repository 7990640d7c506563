import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, ValidateIf, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import {
  IsCalendarDate,
  IsMoneyAmount,
  IsNotBlank,
  descriptionLengthMax,
  externalIdPattern,
  nameLengthMax,
  reasonLengthMax,
} from '../http/validators';
import { IsMultiLineText, IsSingleLineText } from '../http/text-rules';

/** As Money.parse reads an API amount (which also bounds it: more than 0, at most 1,000,000.00). */
const moneyAmountPattern = '^(0|[1-9][0-9]{0,6})(\\.[0-9]{1,2})?$';

export class MilestoneDto {
  @ApiProperty({ maxLength: nameLengthMax, example: 'Batch 1', description: 'One line, not blank.' })
  @IsString()
  @IsNotEmpty()
  @IsNotBlank()
  @MaxLength(nameLengthMax)
  @IsSingleLineText()
  name!: string;

  @ApiPropertyOptional({ type: String, maxLength: descriptionLengthMax, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(descriptionLengthMax)
  @IsMultiLineText()
  description?: string;

  @ApiProperty({ example: '150.00', pattern: moneyAmountPattern, description: 'USD as a decimal string: more than 0, at most 1,000,000.00, at most two decimals.' })
  @IsDefined()
  @IsMoneyAmount()
  amount!: string;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true, example: '2026-12-31' })
  @IsOptional()
  @IsCalendarDate()
  dueDate?: string;
}

export class HireTrainerDto {
  @ApiProperty({ maxLength: nameLengthMax, example: 'Reward model eval', description: 'One line, not blank.' })
  @IsString()
  @IsNotEmpty()
  @IsNotBlank()
  @MaxLength(nameLengthMax)
  @IsSingleLineText()
  projectName!: string;

  @ApiProperty({ pattern: externalIdPattern.source, example: 'tr_ada' })
  @IsString()
  @Matches(externalIdPattern, { message: 'trainerId must be 1 to 64 letters, digits, _ or -' })
  trainerId!: string;

  @ApiProperty({ type: MilestoneDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => MilestoneDto)
  firstMilestone!: MilestoneDto;
}

export class RequestApprovalDto {
  @ApiPropertyOptional({ type: String, maxLength: reasonLengthMax, nullable: true, description: 'A note to the employer.' })
  @IsOptional()
  @IsString()
  @MaxLength(reasonLengthMax)
  @IsMultiLineText()
  note?: string;
}

export class DisputeDto {
  @ApiProperty({ maxLength: reasonLengthMax, description: 'Why, not blank.' })
  @IsString()
  @IsNotEmpty()
  @IsNotBlank()
  @MaxLength(reasonLengthMax)
  @IsMultiLineText()
  reason!: string;
}

export class ResolveDisputeDto {
  @ApiProperty({ enum: ['release', 'refund', 'split'] })
  @IsIn(['release', 'refund', 'split'], { message: 'resolution must be release, refund or split' })
  resolution!: 'release' | 'refund' | 'split';

  /** Required for a split (the part released to the trainer), refused otherwise. */
  @ApiPropertyOptional({ example: '50.00', pattern: moneyAmountPattern, description: 'Required for a split (the part released to the trainer), refused otherwise.' })
  @ValidateIf((dto: ResolveDisputeDto) => dto.resolution === 'split' || dto.trainerAmount !== undefined)
  @IsDefined({ message: 'trainerAmount is required for a split' })
  @IsMoneyAmount()
  trainerAmount?: string;

  @ApiProperty({ maxLength: reasonLengthMax, description: 'Not blank.' })
  @IsString()
  @IsNotBlank()
  @MaxLength(reasonLengthMax)
  @IsMultiLineText()
  note!: string;
}

/** Support's note on a dispute: free text like a resolution's note. */
export class SupportNoteDto {
  @ApiProperty({ maxLength: reasonLengthMax, description: 'Not blank.' })
  @IsString()
  @IsNotBlank()
  @MaxLength(reasonLengthMax)
  @IsMultiLineText()
  note!: string;
}

export class CancelDto {
  @ApiPropertyOptional({ type: String, maxLength: reasonLengthMax, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(reasonLengthMax)
  @IsMultiLineText()
  reason?: string;
}

/** Commands that take no input still refuse unknown fields. */
export class EmptyDto {}
