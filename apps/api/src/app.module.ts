import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AccessModule } from '@app/access';
import { EventStoreModule } from '@app/event-store';
import { AuditModule, NewsroomModule } from '@app/newsroom';
import { LiveModule } from '@app/newsroom/live';
import { ReportingModule } from '@app/reporting';
import {
  AppConfig,
  ConfigModule,
  createValidationPipe,
  DatabaseModule,
  MetricsModule,
  ProblemDetailsFilter,
} from '@app/platform';
import { entities } from '../../../migrations/data-source';
import { migrations } from '../../../migrations';
import { AuditController } from './audit.controller';
import { HealthController } from './health.controller';
import { ReportsController } from './reports.controller';
import { StartupService } from './startup.service';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot({ entities, migrations }),
        MetricsModule,
        EventStoreModule,
        CqrsModule.forRoot(),
        AccessModule,
        NewsroomModule,
        AuditModule,
        ReportingModule,
        LiveModule,
      ],
      controllers: [HealthController, AuditController, ReportsController],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        StartupService,
      ],
    };
  }
}
