import { Reflector } from '@nestjs/core';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { SecurityPolicy, SecurityPolicyMetadata } from './security-policy.decorator';

describe('@SecurityPolicy()', () => {
  const reflector = new Reflector();

  it('names the class', () => {
    @SecurityPolicy('notes.owner')
    class NotesOwnerPolicy {
      handle(): boolean {
        return true;
      }
    }
    expect(reflector.get(SecurityPolicyMetadata, NotesOwnerPolicy)).toBe('notes.owner');
  });

  it.each<[string, unknown]>([
    ['an empty name', ''],
    ['a blank name', '  '],
    ['undefined', undefined],
    ['NaN', Number.NaN],
    ['null', null],
  ])('refuses %s, naming the class', (_name, name) => {
    const decorate = () => {
      @((SecurityPolicy as (name: unknown) => ClassDecorator)(name))
      class BadPolicy {
        handle(): boolean {
          return true;
        }
      }
      return BadPolicy;
    };
    expect(decorate).toThrow(SecurityConfigurationError);
    expect(decorate).toThrow(/"@SecurityPolicy\(\) on BadPolicy" needs policy names/);
  });
});
