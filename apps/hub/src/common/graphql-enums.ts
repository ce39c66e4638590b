import { registerEnumType } from '@nestjs/graphql';
import { Severity, SignalKind, TlpLabel } from '@kessetsu/schema';

registerEnumType(SignalKind, { name: 'SignalKind' });
registerEnumType(Severity, { name: 'Severity' });
registerEnumType(TlpLabel, {
  name: 'TlpLabel',
  description: 'TLP 2.0 label; AMBER_STRICT stands for TLP:AMBER+STRICT.',
});
