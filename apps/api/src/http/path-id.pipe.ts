import { BadRequestException, Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { externalIdPattern } from './validators';

/** Path ids become stream names: refuse anything outside a conservative alphabet, naming the parameter. */
@Injectable()
export class PathId implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (!externalIdPattern.test(value)) {
      throw new BadRequestException(`${metadata.data ?? 'id'}: must be 1 to 64 letters, digits, _ or -`);
    }
    return value;
  }
}
