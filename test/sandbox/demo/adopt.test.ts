import { describe, expect, it } from 'vitest';
import { runAdoptionDemo } from '../../../sandbox/demo/adopt';
import { timeline } from '../../../sandbox/demo/timeline';
import { startHarness } from '../e2e/harness';
import { fileFixture } from '../../support/file-fixture';

const h = fileFixture(() => startHarness({ adopt: true }));

describe('npm start -- --adopt', () => {
  it("adopts the team's pool: only the trigger moves, a team user is onboarded, the team's trigger still runs, destroy puts the pool back", async () => {
    let printed = '';
    await runAdoptionDemo(h.sandbox, timeline((text) => (printed += text)));
    expect(printed).toMatch(/5 users who signed up before the product/);
    expect(printed).toMatch(/1\. Deployed against it: triggers \{"PreSignUp":"team-pre-sign-up","PostAuthentication":"IotOnboarding-post-authentication"\}; every other setting unchanged/);
    expect(printed).toMatch(/custom attributes custom:tenant, custom:iot_onboarded, custom:identity_id \(the product's two added with consent: permanent\)/);
    expect(printed).toMatch(/2\. team-user-1 signed in with the product's app client: onboarding SUCCEEDED, identity us-east-1:/);
    expect(printed).toMatch(/3\. npm run admin -- backfill: 5 seen, 4 started, 1 already onboarded; 5 of 5 team users onboarded/);
    expect(printed).toMatch(/4\. A new user signed up: the team's own pre sign-up trigger ran \(1 call\)/);
    expect(printed).toMatch(/5\. cdk destroy \(the custom resource's Delete\): triggers \{"PreSignUp":"team-pre-sign-up"\}; every other setting unchanged/);
    expect(printed).not.toContain('CHANGED');
  });
});
