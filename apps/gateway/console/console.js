// The Gridwork console: a dispatcher's, a department's or a grid worker's
// desk in the browser, and the pages of area admins (the live board, grid
// workers), reviewers (admission applications) and platform admins
// (accounts, the audit record), on the gateway's own API (the same routes as
// in /docs). Each person sees the pages their grants open; the gateway and
// the services still decide every request. Tokens live in this page's memory
// only, never in storage; every text from the server is set as text, never
// as HTML.

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

const SECTIONS = ['sign-in', 'queue', 'case', 'board', 'workers', 'applications', 'accounts', 'audit'];

/** Which pages each role opens (a platform admin's opens them all). */
const VIEWS_OF = {
  'platform-admin': ['queue', 'board', 'workers', 'applications', 'accounts', 'audit'],
  dispatcher: ['queue', 'board'],
  'area-admin': ['queue', 'board', 'workers', 'applications'],
  'department-staff': ['queue', 'applications'],
  'grid-worker': ['queue'],
  reviewer: ['applications'],
  operator: ['board'],
};

function show(section) {
  for (const id of SECTIONS) $(id).hidden = id !== section;
  $('sign-out').hidden = section === 'sign-in';
  $('nav').hidden = section === 'sign-in';
  for (const button of $('nav').querySelectorAll('button')) {
    if (button.dataset.view === section) button.setAttribute('aria-current', 'page');
    else button.removeAttribute('aria-current');
  }
}

/** The pages the signed-in person's grants open, in the nav's order. */
function viewsOfMe() {
  const open = new Set(state.me.grants.flatMap((grant) => VIEWS_OF[grant.role] ?? []));
  return [...$('nav').querySelectorAll('button')].map((button) => button.dataset.view).filter((view) => open.has(view));
}

/** The first area a grant of the person holds in: where their board and lists start. */
const myArea = () => state.me.grants.find((grant) => grant.areaCode)?.areaCode ?? '';

function rowOf(texts) {
  const row = document.createElement('tr');
  for (const text of texts) cell(row, text ?? '');
  return row;
}

const formFields = (form) => Object.fromEntries([...new FormData(form)].filter(([, value]) => value !== ''));

const LOADERS = {
  queue: () => loadCases(),
  board: () => loadBoard(),
  workers: () => loadWorkers(),
  applications: () => loadApplications(),
  accounts: () => loadAccounts(),
  audit: () => loadAudit(),
};

async function open(view) {
  say('');
  await LOADERS[view]();
  show(view);
}

async function loadBoard() {
  const areaCode = $('board-form').elements.areaCode.value || myArea();
  $('board-form').elements.areaCode.value = areaCode;
  const board = await api('GET', `/dispatch/board${areaCode ? `?areaCode=${encodeURIComponent(areaCode)}` : ''}`);
  const area = board.area;
  $('board-total').textContent = `${area.name ?? 'The whole city'}: ${area.open} open, ${area.overdue} overdue, ${area.yellow} yellow, ${area.red} red flags (at ${localTime(board.at)})`;
  const body = $('board-areas').querySelector('tbody');
  body.replaceChildren(...board.children.map((child) => rowOf([`${child.name ?? child.code} (${child.code})`, String(child.open), String(child.acceptOverdue), String(child.completeOverdue), String(child.yellow), String(child.red)])));
}

async function loadWorkers() {
  const form = $('workers-form');
  if (!form.elements.areaCode.value) form.elements.areaCode.value = myArea();
  if (!$('register-worker').elements.communityCode.value) $('register-worker').elements.communityCode.value = myArea();
  if (!form.elements.areaCode.value) return;
  const page = await api('GET', `/grid/workers?areaCode=${encodeURIComponent(form.elements.areaCode.value)}&limit=200`);
  const body = $('worker-list').querySelector('tbody');
  body.replaceChildren(...page.items.map((w) => rowOf([w.name, w.employment, w.communityCode, w.hiredOn, w.phone])));
}

/** What a reviewer may do to an application in each state. */
const REVIEW_ACTIONS = {
  submitted: ['start-review'],
  resubmitted: ['start-review'],
  'under-review': ['approve', 'return', 'refuse'],
};

async function loadApplications() {
  const state_ = $('applications-form').elements.state.value;
  const page = await api('GET', `/admission/applications?limit=200${state_ ? `&state=${state_}` : ''}`);
  const body = $('application-list').querySelector('tbody');
  body.replaceChildren();
  const reviewer = state.me.grants.some((grant) => grant.role === 'reviewer' || grant.role === 'platform-admin');
  for (const a of page.items) {
    const row = rowOf([`${a.itemName} (${a.itemCode})`, a.areaCode, a.level, a.department, a.state, a.reason]);
    row.dataset.id = a.id;
    const actions = document.createElement('td');
    for (const action of reviewer ? (REVIEW_ACTIONS[a.state] ?? []) : []) {
      const button = document.createElement('button');
      button.textContent = action;
      button.dataset.action = action;
      button.addEventListener('click', () => review(a.id, action).catch((error) => say(error.message)));
      actions.append(button);
    }
    row.append(actions);
    body.append(row);
  }
}

async function review(id, action) {
  const body = {};
  if (action !== 'start-review') {
    const reason = window.prompt(`Why ${action}?`);
    if (!reason) return;
    body.reason = reason;
  }
  await api('POST', `/admission/applications/${id}/${action}`, body);
  await loadApplications();
}

const grantText = (grant) => [grant.role, grant.areaCode, grant.department, grant.workerId].filter(Boolean).join(' ');

async function loadAccounts() {
  const page = await api('GET', '/admin/accounts?limit=200');
  const body = $('account-list').querySelector('tbody');
  body.replaceChildren(...page.items.map((a) => rowOf([a.username, a.displayName, a.grants.map(grantText).join(', '), a.disabledAt ? 'disabled' : a.lockedUntil ? `locked until ${localTime(a.lockedUntil)}` : 'active'])));
}

async function loadAudit() {
  const query = new URLSearchParams({ limit: '100', ...formFields($('audit-form')) });
  const page = await api('GET', `/admin/audit?${query}`);
  const body = $('audit-list').querySelector('tbody');
  body.replaceChildren(...page.items.map((r) => rowOf([localTime(r.at), r.username ?? '(no one signed in)', r.method, r.path, String(r.status), r.address])));
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
  for (const form of document.querySelectorAll('form')) form.reset();
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
    const views = viewsOfMe();
    for (const button of $('nav').querySelectorAll('button')) button.hidden = !views.includes(button.dataset.view);
    say('');
    if (views.length === 0) throw new Error(`${state.me.displayName} holds no grant that opens a page of the console`);
    await open(views[0]);
  } catch (error) {
    say(error.message);
  }
});

$('filter').addEventListener('submit', (event) => {
  event.preventDefault();
  state.filter = new FormData(event.target).get('states');
  loadCases().catch((error) => say(error.message));
});
for (const button of $('nav').querySelectorAll('button')) {
  button.addEventListener('click', () => open(button.dataset.view).catch((error) => say(error.message)));
}
for (const [form, view] of [['board-form', 'board'], ['workers-form', 'workers'], ['applications-form', 'applications'], ['audit-form', 'audit']]) {
  $(form).addEventListener('submit', (event) => {
    event.preventDefault();
    open(view).catch((error) => say(error.message));
  });
}
$('register-worker').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const worker = await api('POST', '/grid/workers', formFields(event.target));
    event.target.reset();
    await loadWorkers();
    say(`Registered ${worker.name}`);
  } catch (error) {
    say(error.message);
  }
});
$('create-account').addEventListener('submit', async (event) => {
  event.preventDefault();
  const { username, displayName, password, role, ...scope } = formFields(event.target);
  try {
    const account = await api('POST', '/admin/accounts', { username, displayName, password, grants: [{ role, ...scope }] });
    event.target.reset();
    await loadAccounts();
    say(`Created ${account.username}`);
  } catch (error) {
    say(error.message);
  }
});
$('more').addEventListener('click', () => loadCases(true).catch((error) => say(error.message)));
$('back').addEventListener('click', () => loadCases().catch((error) => say(error.message)));
$('sign-out').addEventListener('click', async () => {
  await api('POST', '/auth/sign-out').catch(() => undefined);
  signedOut();
});

signedOut();
