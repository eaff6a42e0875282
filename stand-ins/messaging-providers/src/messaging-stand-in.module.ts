import { DynamicModule, Module } from '@nestjs/common';
import { ControlController } from './control.controller';
import { MessageLogService } from './message-log.service';
import { ProviderBehaviourService, type ProviderBehaviour } from './provider-behaviour.service';
import { SmsGatewayController } from './sms-gateway.controller';
import { STAND_IN_OPTIONS, type MessagingStandInOptions } from './stand-in-options';
import { ZaloOaController } from './zalo-oa.controller';

/** Stand-ins for the messaging providers (external parties, simulated): SMS gateway and Zalo OA over HTTP. */
@Module({})
export class MessagingStandInModule {
  static forRoot(options: MessagingStandInOptions, defaults: Partial<ProviderBehaviour>): DynamicModule {
    return {
      module: MessagingStandInModule,
      controllers: [SmsGatewayController, ZaloOaController, ControlController],
      providers: [
        { provide: STAND_IN_OPTIONS, useValue: options },
        { provide: ProviderBehaviourService, useFactory: () => new ProviderBehaviourService(defaults) },
        MessageLogService,
      ],
    };
  }
}
