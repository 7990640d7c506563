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

export class MilestoneDto {
  @IsString()
  @IsNotEmpty()
  @IsNotBlank()
  @MaxLength(nameLengthMax)
  @IsSingleLineText()
  name!: string;

  @IsOptional()
  @IsString()
  @MaxLength(descriptionLengthMax)
  @IsMultiLineText()
  description?: string;

  @IsDefined()
  @IsMoneyAmount()
  amount!: string;

  @IsOptional()
  @IsCalendarDate()
  dueDate?: string;
}

export class HireTrainerDto {
  @IsString()
  @IsNotEmpty()
  @IsNotBlank()
  @MaxLength(nameLengthMax)
  @IsSingleLineText()
  projectName!: string;

  @IsString()
  @Matches(externalIdPattern, { message: 'trainerId must be 1 to 64 letters, digits, _ or -' })
  trainerId!: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => MilestoneDto)
  firstMilestone!: MilestoneDto;
}

export class RequestApprovalDto {
  @IsOptional()
  @IsString()
  @MaxLength(reasonLengthMax)
  @IsMultiLineText()
  note?: string;
}

export class DisputeDto {
  @IsString()
  @IsNotEmpty()
  @IsNotBlank()
  @MaxLength(reasonLengthMax)
  @IsMultiLineText()
  reason!: string;
}

export class ResolveDisputeDto {
  @IsIn(['release', 'refund', 'split'], { message: 'resolution must be release, refund or split' })
  resolution!: 'release' | 'refund' | 'split';

  /** Required for a split (the part released to the trainer), refused otherwise. */
  @ValidateIf((dto: ResolveDisputeDto) => dto.resolution === 'split' || dto.trainerAmount !== undefined)
  @IsDefined({ message: 'trainerAmount is required for a split' })
  @IsMoneyAmount()
  trainerAmount?: string;

  @IsString()
  @IsNotBlank()
  @MaxLength(reasonLengthMax)
  @IsMultiLineText()
  note!: string;
}

/** Support's note on a dispute: free text like a resolution's note. */
export class SupportNoteDto {
  @IsString()
  @IsNotBlank()
  @MaxLength(reasonLengthMax)
  @IsMultiLineText()
  note!: string;
}

export class CancelDto {
  @IsOptional()
  @IsString()
  @MaxLength(reasonLengthMax)
  @IsMultiLineText()
  reason?: string;
}

/** Commands that take no input still refuse unknown fields. */
export class EmptyDto {}
