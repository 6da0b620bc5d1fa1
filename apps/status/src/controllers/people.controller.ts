import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { readableAgencies, type Principal } from '@iw/people';
import { PeopleListSchema, type PeopleList } from '../dtos/people.dto';
import { openApi } from '../dtos/openapi';
import { Auth, Requires } from '../middleware/public.decorator';
import { PeopleService } from '../services/people.service';

@ApiTags('people')
@ApiBearerAuth()
@Controller('api/people')
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  @Requires('people')
  @Get()
  @ApiOperation({
    summary:
      'The people directory: the people file and `iw people` entries, and every owner of the owners file (source: owners); the office sees its agency',
  })
  @ApiOkResponse({ schema: openApi(PeopleListSchema) })
  async list(@Auth() p: Principal): Promise<PeopleList> {
    const agencies = readableAgencies(p);
    const all = (await this.people.directory()).people();
    return {
      people: all
        .filter((x) => agencies === null || x.agencies.some((a) => agencies.includes(a)))
        .map((x) => ({ email: x.email, name: x.name, role: x.role, agencies: [...x.agencies], source: x.source })),
    };
  }
}
