import { Type } from 'class-transformer';
import { IsDefined, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import {
  IsCalendarDate,
  IsMoneyAmount,
  IsNotBlank,
  descriptionLengthMax,
  externalIdPattern,
  nameLengthMax,
  reasonLengthMax,
} from '../http/validators';

export class MilestoneDto {
  @IsString()
  @IsNotEmpty()
  @IsNotBlank()
  @MaxLength(nameLengthMax)
  name!: string;

  @IsOptional()
  @IsString()
  @MaxLength(descriptionLengthMax)
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
  note?: string;
}

export class DisputeDto {
  @IsString()
  @IsNotEmpty()
  @IsNotBlank()
  @MaxLength(reasonLengthMax)
  reason!: string;
}

export class CancelDto {
  @IsOptional()
  @IsString()
  @MaxLength(reasonLengthMax)
  reason?: string;
}

/** Commands that take no input still refuse unknown fields. */
export class EmptyDto {}
