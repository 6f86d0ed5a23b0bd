import { describe, expect, it, vi } from 'vitest';
import { answering, installed, skipLine, variableSet } from './components.js';
import { REDIS_CLUSTER_NODES_SET, REDIS_URL_SET } from './redis.js';

// A skip line says what is really absent: a variable to set is not a program to install.
describe('the line a skipped suite prints', () => {
  it('names the variable when only the variable is missing, not a program to install', () => {
    vi.stubEnv('REDIS_URL', '');
    try {
      const need = variableSet('REDIS_URL', 'the URL of a Redis server the tests may flush', REDIS_URL_SET.remedy);
      expect(need.present).toBe(false);
      expect(skipLine(need, 'the Redis store')).toBe(
        `skipping "the Redis store": REDIS_URL is not set (the URL of a Redis server the tests may flush); ${REDIS_URL_SET.remedy}`,
      );
      expect(skipLine(need, 'the Redis store')).not.toContain('not installed');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('the Redis suites are skipped by their variables alone', () => {
    expect(REDIS_URL_SET.present).toBe(Boolean(process.env.REDIS_URL));
    expect(REDIS_URL_SET.absent).toMatch(/^REDIS_URL is not set/);
    expect(REDIS_CLUSTER_NODES_SET.present).toBe(Boolean(process.env.REDIS_CLUSTER_NODES));
    expect(REDIS_CLUSTER_NODES_SET.absent).toMatch(/^REDIS_CLUSTER_NODES is not set/);
  });

  it('names a program that is not installed, and a service that does not answer', () => {
    expect(skipLine(installed('redis-server', false, 'apt-get install redis-server'), 'Redis lost')).toBe('skipping "Redis lost": redis-server is not installed; apt-get install redis-server');
    expect(skipLine(answering('a Docker engine', false, 'apt-get install docker.io'), 'the image')).toBe('skipping "the image": a Docker engine does not answer; apt-get install docker.io');
  });
});
