import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { keywordReplace } from '../../../scripts/deploy/import-file';
import type { ActionDeployer } from '../../../scripts/deploy/import';

/**
 * Stands in for auth0-deploy-cli's one-Action import in the in-process deploy tests (a real
 * import takes 15-30 s; the deploy-*-tenant suites run it for real in a child process). It makes
 * the requests deploy-cli makes for an actions-only import, in its order: a token, the Action
 * list, `POST` or `PATCH` the Action with the keyword-replaced file's fields and code, a read
 * until built, then `POST …/deploy`. A refused request throws, as deploy-cli does.
 */
export const requestsLikeDeployCli: ActionDeployer = async (run) => {
  const origin = `https://${run.credentials.domain}`;
  const call = async (method: string, url: string, token?: string, body?: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${origin}${url}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw Object.assign(new Error(`Problem processing actions: ${text}`), { statusCode: response.status });
    return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  };
  const { access_token: token } = (await call('POST', '/oauth/token', undefined, {
    grant_type: 'client_credentials',
    client_id: run.credentials.clientId,
    client_secret: run.credentials.clientSecret,
    audience: `${origin}/api/v2/`,
  })) as { access_token: string };
  const file = parse(keywordReplace(run.file.text, run.file.mappings)) as {
    actions: { name: string; code: string; runtime: string; dependencies: unknown[]; secrets: unknown[]; supported_triggers: unknown[]; deployed: boolean }[];
  };
  const { actions: existing } = (await call('GET', '/api/v2/actions/actions?page=0&per_page=100', token)) as { actions: { id: string; name: string }[] };
  for (const action of file.actions) {
    const code = keywordReplace(fs.readFileSync(path.resolve(run.basePath, action.code), 'utf8'), run.file.mappings);
    const fields = { name: action.name, code, runtime: action.runtime, dependencies: action.dependencies, secrets: action.secrets, supported_triggers: action.supported_triggers };
    const found = existing.find((a) => a.name === action.name);
    const saved = found ? await call('PATCH', `/api/v2/actions/actions/${found.id}`, token, fields) : await call('POST', '/api/v2/actions/actions', token, fields);
    const id = String(saved.id);
    await call('GET', `/api/v2/actions/actions/${id}`, token);
    if (action.deployed) await call('POST', `/api/v2/actions/actions/${id}/deploy`, token);
  }
};
