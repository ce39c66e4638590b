import { JsonText, stringifyWithJsonText } from './json-text.js';

describe('JsonText', () => {
  const result = {
    data: {
      matrix: { counts: new JsonText('[1,null,3]'), more: new JsonText('[0]'), label: 'a "quoted" \\ label' },
      list: Array.from({ length: 12 }, (_, index) => new JsonText(`[${index}]`)),
    },
  };

  it('splices each text in verbatim, in place, however many there are', () => {
    const text = stringifyWithJsonText(result);
    expect(text).toBe(
      `{"data":{"matrix":{"counts":[1,null,3],"more":[0],"label":"a \\"quoted\\" \\\\ label"},"list":[${result.data.list.map((_, index) => `[${index}]`).join(',')}]}}`,
    );
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(result)));
  });

  it('reads as its parsed value to any other serialiser, also after a splicing call failed', () => {
    const circular: Record<string, unknown> = { counts: new JsonText('[5]') };
    circular.self = circular;
    expect(() => stringifyWithJsonText(circular)).toThrow(TypeError);
    expect(JSON.stringify({ counts: new JsonText('[5,null]') })).toBe('{"counts":[5,null]}');
  });

  it('writes values without any JsonText as JSON.stringify does', () => {
    const plain = { data: { text: 'json-text:0', n: [1, 2] } };
    expect(stringifyWithJsonText(plain)).toBe(JSON.stringify(plain));
  });
});
