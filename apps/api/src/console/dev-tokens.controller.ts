import { Body, Controller, HttpCode, Inject, NotFoundException, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { roles, type Role } from '@escrow/domain';
import { APP_CONFIG, type AppConfig } from '@escrow/runtime';
import { IsIn, IsString, Matches } from 'class-validator';
import { Public } from '../auth/auth.guard';
import { mintToken, subjectRule } from '../auth/tokens';
import { ApiErrors } from '../http/error.responses';
import { externalIdPattern } from '../http/validators';
import { devSignInEnabled } from './dev-sign-in';

export class DevTokenRequest {
  @ApiProperty({ enum: [...roles] })
  @IsIn([...roles], { message: `role must be one of ${roles.join(', ')}` })
  role!: Role;

  @ApiProperty({ pattern: externalIdPattern.source, example: 'fin_1' })
  @IsString()
  @Matches(externalIdPattern, { message: `id ${subjectRule}` })
  id!: string;
}

export class DevTokenResponse {
  @ApiProperty({ description: 'A bearer token for that role and id, with the default lifetime.' }) token!: string;
}

@ApiTags('console')
@Controller('v1/dev')
export class DevTokensController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Post('tokens')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Development only: a token for any role and id, for the console’s “sign in as” (404 in production or with a real AUTH_SECRET).',
  })
  @ApiOkResponse({ type: DevTokenResponse })
  @ApiErrors(400, 404)
  mint(@Body() request: DevTokenRequest): DevTokenResponse {
    if (!devSignInEnabled(this.config)) {
      throw new NotFoundException('no "sign in as" here: it exists only outside production with the development AUTH_SECRET; use npm run -s token');
    }
    return { token: mintToken(this.config.auth, { role: request.role, id: request.id }) };
  }
}
