import { Module } from '@nestjs/common';
import { LiveConnectionsService } from './live-connections.service.js';

@Module({ providers: [LiveConnectionsService], exports: [LiveConnectionsService] })
export class LiveModule {}
