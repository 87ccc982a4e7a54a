const project = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30000,
  projects: [
    {
      ...project,
      displayName: 'core',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/test/kafka/'],
    },
    {
      // Tests against a real Apache Kafka broker: started once for the run, only when one of
      // these tests is selected (a project's global setup runs only for its own tests).
      ...project,
      displayName: 'kafka',
      roots: ['<rootDir>/test/kafka'],
      testMatch: ['**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/kafka/globalSetup.ts',
      globalTeardown: '<rootDir>/test/support/kafka/globalTeardown.ts',
    },
  ],
};
