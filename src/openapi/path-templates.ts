import { parse, type Token } from 'path-to-regexp';

/** A path parameter of a template; a wildcard one spans several segments. */
export interface PathParameter {
  name: string;
  wildcard: boolean;
}

/** One OpenAPI path (`/rte/{channel}/{uid}`) of a router path, with its parameters. */
export interface PathTemplate {
  template: string;
  parameters: PathParameter[];
}

const empty: PathTemplate = { template: '', parameters: [] };

function expand(tokens: readonly Token[]): PathTemplate[] {
  return tokens.reduce<PathTemplate[]>(
    (prefixes, token) => {
      const choices: PathTemplate[] =
        token.type === 'text'
          ? [{ template: token.value, parameters: [] }]
          : token.type === 'group'
            ? [empty, ...expand(token.tokens)]
            : [
                {
                  template: `{${token.name}}`,
                  parameters: [{ name: token.name, wildcard: token.type === 'wildcard' }],
                },
              ];
      return prefixes.flatMap((prefix) =>
        choices.map((choice) => ({
          template: prefix.template + choice.template,
          parameters: [...prefix.parameters, ...choice.parameters],
        })),
      );
    },
    [empty],
  );
}

/**
 * The OpenAPI paths of a @koa/router path: OpenAPI has no optional segments, so each
 * optional group (`{/:rtmuid}`) gives one path with it and one without.
 */
export const pathTemplates = (routerPath: string): PathTemplate[] =>
  expand(parse(routerPath).tokens);
