import { Module } from '@nestjs/common';
import { NewsroomModule } from '@app/newsroom';
import { ReportsService } from './reports.service';

@Module({ imports: [NewsroomModule], providers: [ReportsService], exports: [ReportsService] })
export class ReportingModule {}
