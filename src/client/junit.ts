/** One JUnit test case: a name, its class, and a failure or a skip when there is one. */
export interface JunitCase {
  readonly name: string;
  readonly className: string;
  readonly seconds: number;
  readonly failure?: string;
  readonly skipped?: string;
}

const escape = (text: string): string =>
  text.replace(/[<>&"']/g, (character) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[character] ?? character);

/** A JUnit XML report, as CI systems (GitHub, GitLab, Jenkins) read them. */
export function junitXml(suite: string, cases: readonly JunitCase[]): string {
  const failures = cases.filter((test) => test.failure !== undefined).length;
  const skipped = cases.filter((test) => test.skipped !== undefined).length;
  const time = cases.reduce((sum, test) => sum + test.seconds, 0).toFixed(3);
  const body = cases
    .map((test) => {
      const open = `    <testcase name="${escape(test.name)}" classname="${escape(test.className)}" time="${test.seconds.toFixed(3)}"`;
      if (test.failure !== undefined) return `${open}>\n      <failure message="${escape(test.failure.split('\n')[0] ?? '')}">${escape(test.failure)}</failure>\n    </testcase>`;
      if (test.skipped !== undefined) return `${open}>\n      <skipped message="${escape(test.skipped)}"/>\n    </testcase>`;
      return `${open}/>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="${escape(suite)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}" time="${time}">\n${body}\n  </testsuite>\n</testsuites>\n`;
}
