import { errorMessage, errorName } from '../functions/shared/aws/error-name';
import { CliUsageError, helpText, parseCliOptions, usageLine, type CliOptions } from './app/cli-options';
import { serveBanner } from './app/serve-banner';
import { stopOnSignals } from './app/shutdown';
import { runDemo } from './demo';
import { runAdoptionDemo } from './demo/adopt';
import { timeline } from './demo/timeline';
import { startSandbox, type Sandbox } from '.';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let options: CliOptions;
try {
  options = parseCliOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof CliUsageError)) throw error;
  process.stderr.write(`${usageLine(error)}\n`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(helpText());
  process.exit(0);
}

const t = timeline();
const sandbox = await startSandbox({
  functionLogLevel: options.serve ? 'INFO' : 'ERROR',
  outputsFile: options.outputsFile,
  ports: options.ports,
  faults: options.faults,
  adopt: options.adopt,
  corsOrigins: options.corsOrigins,
  web: options.web,
  // --serve logs each IoT authorization refusal with its cause (the demo's refusals are expected).
  ...(options.serve ? { logRefusal: (line: string) => process.stdout.write(`${line}\n`) } : {}),
  // --serve prints the codes Cognito would email, so a person can confirm a sign-up by hand.
  ...(options.serve ? { logCodeSent: (line: string) => process.stdout.write(`${line}\n`) } : {}),
}).catch((error: unknown) => {
  // EACCES: a port below 1024 (443) without the right to bind it; EADDRINUSE: a fixed port taken.
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const hint = code === 'EACCES' ? ' (ports below 1024 need root or CAP_NET_BIND_SERVICE)' : code === 'EADDRINUSE' ? ' (a fixed port is already in use)' : '';
  process.stderr.write(`The sandbox did not start: ${errorMessage(error)}${hint}\n`);
  process.exit(1);
});

if (options.serve) {
  serve(sandbox);
} else {
  try {
    await (options.adopt ? runAdoptionDemo(sandbox, t) : runDemo(sandbox, t));
    await sandbox.close();
    process.exit(0);
  } catch (error) {
    process.stderr.write(`\nDemo failed (${errorName(error)}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await sandbox.close();
    process.exit(1);
  }
}

function serve(sb: Sandbox): void {
  t.step('Sandbox ready');
  stopOnSignals(() => sb.close());
  process.stdout.write(`${serveBanner(sb, options).join('\n')}\n`);
}
