// The Gridwork console: a dispatcher's, a department's or a grid worker's
// desk in the browser, on the gateway's own API (the same routes as in
// /docs). Tokens live in this page's memory only, never in storage; every
// text from the server is set as text, never as HTML.

const state = { accessToken: null, refreshToken: null, me: null, after: undefined, filter: '' };
const $ = (id) => document.getElementById(id);

/** The actions a case's state allows, as dispatch's lifecycle has them; the gateway and dispatch decide who may. */
const ACTIONS = {
  accept: ['reported'],
  claim: ['assigned', 'reopened'],
  resolve: ['in-progress'],
  'hand-back': ['assigned', 'in-progress', 'reopened'],
  callback: ['resolved'],
  close: ['verified'],
  reject: ['reported', 'accepted', 'assigned', 'in-progress', 'handed-back', 'reopened'],
};
/** What an action asks for before it is sent. */
const ASKS = {
  resolve: { field: 'resolution', question: 'How was it resolved?' },
  'hand-back': { field: 'reason', question: 'Why is it handed back?' },
  reject: { field: 'reason', question: 'Why is it rejected?' },
};

async function api(method, path, body, retried = false) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (state.accessToken) headers.authorization = `Bearer ${state.accessToken}`;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401 && state.refreshToken && !retried && (await refresh())) return api(method, path, body, true);
  const text = await response.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const fields = data?.details?.map((d) => `${d.field}: ${d.messages.join('; ')}`).join(' · ');
    throw new Error(fields ? `${data.message} (${fields})` : (data?.message ?? response.statusText));
  }
  return data;
}

async function refresh() {
  try {
    const tokens = await api('POST', '/auth/refresh', { refreshToken: state.refreshToken }, true);
    state.accessToken = tokens.accessToken;
    state.refreshToken = tokens.refreshToken;
    return true;
  } catch {
    signedOut();
    return false;
  }
}

function show(section) {
  for (const id of ['sign-in', 'queue', 'case']) $(id).hidden = id !== section;
  $('sign-out').hidden = section === 'sign-in';
}

function say(text) {
  $('message').hidden = !text;
  $('message').textContent = text ?? '';
}

const localTime = (iso) => (iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '');
const ownerOf = (c) => (!c.owner ? 'the dispatcher' : c.owner.kind === 'department' ? c.owner.department : `${c.owner.level} ${c.owner.areaCode}`);

function cell(row, text) {
  const td = document.createElement('td');
  td.textContent = text;
  row.append(td);
}

async function loadCases(more = false) {
  const params = new URLSearchParams({ limit: '50' });
  if (state.filter) params.set('states', state.filter);
  if (more && state.after) params.set('after', state.after);
  const page = await api('GET', `/dispatch/cases?${params}`);
  const body = $('cases').querySelector('tbody');
  if (!more) body.replaceChildren();
  for (const c of page.items) {
    const row = document.createElement('tr');
    row.dataset.id = c.id;
    if (c.flag) row.className = `flag-${c.flag}`;
    for (const text of [c.number, c.categoryCode, c.state, ownerOf(c), localTime(c.completeDueAt), c.description]) cell(row, text);
    row.addEventListener('click', () => openCase(c.id).catch((error) => say(error.message)));
    body.append(row);
  }
  state.after = page.nextAfter;
  $('more').hidden = !page.nextAfter;
  show('queue');
}

async function openCase(id) {
  say('');
  const c = await api('GET', `/dispatch/cases/${id}`);
  $('case-title').textContent = `Case ${c.number}`;
  const facts = $('case-facts');
  facts.replaceChildren();
  for (const [name, value] of [
    ['State', c.state],
    ['Category', c.categoryCode],
    ['Owner', ownerOf(c)],
    ['Area', c.areaPath.join(' › ')],
    ['Reported', localTime(c.reportedAt)],
    ['Claim by', localTime(c.acceptDueAt)],
    ['Resolve by', localTime(c.completeDueAt)],
    ['Address', c.address ?? ''],
    ['Description', c.description],
  ]) {
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dd.dataset.fact = name.toLowerCase();
    facts.append(dt, dd);
  }
  const actions = $('actions');
  actions.replaceChildren();
  for (const [action, from] of Object.entries(ACTIONS)) {
    if (!from.includes(c.state)) continue;
    const button = document.createElement('button');
    button.textContent = action;
    button.dataset.action = action;
    button.addEventListener('click', () => act(c.id, action).catch((error) => say(error.message)));
    actions.append(button);
  }
  const timeline = $('timeline');
  timeline.replaceChildren();
  for (const entry of c.timeline) {
    const item = document.createElement('li');
    item.textContent = `${localTime(entry.at)} · ${entry.action} · ${entry.actorName ?? entry.actorKind}${entry.reason ? ` · ${entry.reason}` : ''}`;
    timeline.append(item);
  }
  show('case');
}

async function act(id, action) {
  const body = {};
  const ask = ASKS[action];
  if (ask) {
    const answer = window.prompt(ask.question);
    if (!answer) return;
    body[ask.field] = answer;
  }
  if (action === 'callback') body.satisfaction = window.confirm('Was the reporter satisfied?') ? 'satisfied' : 'unsatisfied';
  await api('POST', `/dispatch/cases/${id}/${action}`, body);
  await openCase(id);
}

function signedOut() {
  Object.assign(state, { accessToken: null, refreshToken: null, me: null });
  $('who').textContent = '';
  show('sign-in');
}

$('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    const tokens = await api('POST', '/auth/sign-in', { username: form.get('username'), password: form.get('password') });
    state.accessToken = tokens.accessToken;
    state.refreshToken = tokens.refreshToken;
    state.me = await api('GET', '/auth/me');
    $('who').textContent = state.me.displayName;
    say('');
    await loadCases();
  } catch (error) {
    say(error.message);
  }
});

$('filter').addEventListener('submit', (event) => {
  event.preventDefault();
  state.filter = new FormData(event.target).get('states');
  loadCases().catch((error) => say(error.message));
});
$('more').addEventListener('click', () => loadCases(true).catch((error) => say(error.message)));
$('back').addEventListener('click', () => loadCases().catch((error) => say(error.message)));
$('sign-out').addEventListener('click', async () => {
  await api('POST', '/auth/sign-out').catch(() => undefined);
  signedOut();
});

signedOut();
