import { describe, expect, it } from 'vitest';
import { CLI_OPTIONS, CliUsageError, helpText, parseCliOptions } from '../../../sandbox/app/cli-options';

describe('npm start options', () => {
  it.each(Object.keys(CLI_OPTIONS))('documents --%s in --help', (option) => {
    expect(helpText()).toMatch(new RegExp(`^(\\s+(-h, )?|npm start -- )--${option}\\b`, 'm'));
  });

  it('fixes the Secrets Manager port like every other listener, and refuses a port out of range by its flag', () => {
    expect(parseCliOptions(['--serve', '--secretsmanager-port', '4566', '--sfn-port', '8083']).ports).toEqual({ secretsManager: 4566, stepFunctions: 8083 });
    expect(() => parseCliOptions(['--secretsmanager-port', '70000'])).toThrow(CliUsageError);
    expect(() => parseCliOptions(['--secretsmanager-port', '70000'])).toThrow('--secretsmanager-port must be a port number from 1 to 65535, not "70000"');
  });

  it('fixes the SQS port with --sqs-port, the endpoint prefix of AWS_ENDPOINT_URL_SQS', () => {
    expect(parseCliOptions(['--sqs-port', '9324']).ports).toEqual({ sqs: 9324 });
  });

  it("fixes the CloudWatch port with --monitoring-port, CloudWatch's endpoint prefix", () => {
    expect(parseCliOptions(['--monitoring-port', '4582']).ports).toEqual({ cloudwatch: 4582 });
  });

  it('serves the web app with --serve (or --web, which implies --serve), on --web-port when given; --no-web leaves it out; the demo builds none', () => {
    expect(parseCliOptions(['--web', '--web-port', '8080'])).toMatchObject({ web: true, serve: true, ports: { web: 8080 } });
    expect(parseCliOptions(['--serve'])).toMatchObject({ web: true, serve: true });
    expect(parseCliOptions(['--serve', '--no-web'])).toMatchObject({ web: false, serve: true });
    expect(parseCliOptions([])).toMatchObject({ web: false, serve: false });
  });

  it('allows no CORS origin by default', () => {
    expect(parseCliOptions(['--serve']).corsOrigins).toEqual([]);
  });

  it('takes --cors-origin repeated and as a comma list, each origin once', () => {
    expect(parseCliOptions(['--cors-origin', 'https://app.example.com', '--cors-origin', 'http://localhost:5173, https://app.example.com']).corsOrigins)
      .toEqual(['https://app.example.com', 'http://localhost:5173']);
  });

  it.each([
    ['*', '--cors-origin "*" is not an allowed origin: wildcards are refused'],
    ['https://app.example.com/', '--cors-origin "https://app.example.com/" is not an allowed origin: expected scheme://host[:port] with no path'],
    ['localhost:5173', '--cors-origin "localhost:5173" is not an allowed origin: expected an http or https origin'],
    [',', '--cors-origin needs an origin'],
  ])('refuses --cors-origin %s by its flag', (value, message) => {
    expect(() => parseCliOptions(['--cors-origin', value])).toThrow(CliUsageError);
    expect(() => parseCliOptions(['--cors-origin', value])).toThrow(message);
  });
});
