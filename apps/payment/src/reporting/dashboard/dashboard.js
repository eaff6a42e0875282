// The coverage dashboard: asks the payment API with the bearer token the person entered (kept in
// sessionStorage, gone with the tab) and draws what it answers. Every figure comes from the API.
'use strict';
(function () {
  const { gauge, bars, trend } = window.AnSinhCharts;
  const TOKEN_KEY = 'ansinh.reporting.token';
  const REASON_LABELS = {
    NO_ACCOUNT: 'Chưa có tài khoản',
    ACCOUNT_PENDING: 'Tài khoản đang chờ xác minh',
    NAME_MISMATCH: 'Tên chủ tài khoản không khớp',
    BANK_REJECTED: 'Ngân hàng từ chối, chuyển tiền mặt',
    CHOSE_CASH: 'Tự chọn nhận tiền mặt',
  };
  const ROLE_LABELS = { officer: 'Cán bộ', supervisor: 'Lãnh đạo', auditor: 'Kiểm toán', admin: 'Quản trị' };
  const $ = (id) => document.getElementById(id);
  const count = (value) => Number(value).toLocaleString('vi-VN');
  const dong = (value) => `${BigInt(value).toLocaleString('vi-VN')} đ`;
  const state = { provinceCode: null, provinceName: null, communeCode: null, communeName: null, after: null };
  let principal = null;

  function decode(token) {
    try {
      const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload), (char) => char.charCodeAt(0))));
    } catch {
      return null;
    }
  }

  async function api(path, options = {}) {
    const response = await fetch(path, { ...options, headers: { authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY)}`, 'content-type': 'application/json', ...(options.headers || {}) } });
    if (response.status === 401) {
      signOut('Mã truy cập không hợp lệ hoặc đã hết hạn.');
      throw new Error('unauthenticated');
    }
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      throw new Error(body.message || `Lỗi ${response.status}`);
    }
    return options.raw ? response : response.json();
  }

  function scopeQuery(extra = {}) {
    const query = new URLSearchParams();
    if ($('programme').value) query.set('programmeCode', $('programme').value);
    if (state.provinceCode) query.set('provinceCode', state.provinceCode);
    if (state.communeCode) query.set('communeCode', state.communeCode);
    for (const [key, value] of Object.entries(extra)) if (value) query.set(key, value);
    return query;
  }

  function shiftMonth(period, months) {
    const [year, month] = period.split('-').map(Number);
    const index = year * 12 + (month - 1) + months;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  }

  function go(level) {
    if (level === 'nation') Object.assign(state, { provinceCode: null, provinceName: null, communeCode: null, communeName: null });
    if (level === 'province') Object.assign(state, { communeCode: null, communeName: null });
    render();
  }

  function breadcrumb() {
    const parts = [];
    const link = (label, level, allowed) => {
      const node = document.createElement(allowed ? 'a' : 'span');
      node.textContent = label;
      if (allowed) node.addEventListener('click', () => go(level));
      return node;
    };
    parts.push(link('Toàn quốc', 'nation', !principal.provinceCode && (state.provinceCode || state.communeCode)));
    if (state.provinceCode) parts.push(link(state.provinceName || `Tỉnh ${state.provinceCode}`, 'province', !principal.communeCode && state.communeCode));
    if (state.communeCode) parts.push(link(state.communeName || `Xã ${state.communeCode}`, 'commune', false));
    const nav = $('breadcrumb');
    nav.replaceChildren();
    parts.forEach((part, index) => {
      if (index) nav.append(Object.assign(document.createElement('span'), { className: 'sep', textContent: '›' }));
      nav.append(part);
    });
  }

  async function render() {
    $('message').textContent = '';
    breadcrumb();
    const period = $('period').value;
    try {
      const [report, history] = await Promise.all([
        api(`/reporting/coverage?${scopeQuery({ period })}`),
        api(`/reporting/coverage/trend?${scopeQuery({ from: shiftMonth(period, -11), to: period })}`),
      ]);
      const total = report.total;
      gauge($('gauge-count'), total.coverageByCount, 'kpi-count');
      gauge($('gauge-amount'), total.coverageByAmount, 'kpi-amount');
      gauge($('gauge-readiness'), total.readiness, 'kpi-readiness');
      $('kpi-count-detail').textContent = `${count(total.paidCashless)} / ${count(total.paid)} người đã chi trả qua tài khoản`;
      $('kpi-amount-detail').textContent = `${dong(total.amountCashlessDong)} / ${dong(total.amountPaidDong)}`;
      $('kpi-readiness-detail').textContent = `${count(total.accountReady)} / ${count(total.beneficiaries)} người có tài khoản đã xác minh`;
      $('areas-title').textContent = state.communeCode ? 'Tỷ lệ của xã' : state.provinceCode ? 'Tỷ lệ theo xã, phường' : 'Tỷ lệ theo tỉnh, thành phố';
      const areas = [...report.areas].sort((a, b) => (b.coverageByCount ?? -1) - (a.coverageByCount ?? -1));
      bars(
        $('areas-chart'),
        areas.map((area) => {
          const isProvince = report.groupBy === 'province';
          const key = isProvince ? area.provinceCode : area.communeCode;
          const label = (isProvince ? area.provinceName : area.communeName) || key;
          return {
            key,
            label: label.replace(/^(Tỉnh|Thành phố) /, ''),
            value: area.coverageByCount,
            note: `(${count(area.paidCashless)}/${count(area.paid)})`,
            onClick: state.communeCode
              ? null
              : () => {
                  if (isProvince) Object.assign(state, { provinceCode: area.provinceCode, provinceName: area.provinceName });
                  else Object.assign(state, { communeCode: area.communeCode, communeName: area.communeName });
                  render();
                },
          };
        }),
      );
      trend($('trend-chart'), history.months);
      const reasonTotal = total.reasons.reduce((sum, reason) => sum + reason.count, 0);
      bars(
        $('reasons-chart'),
        total.reasons.filter((reason) => reason.count > 0).map((reason) => ({ key: `reason-${reason.code}`, label: REASON_LABELS[reason.code] || reason.label, value: (100 * reason.count) / reasonTotal, count: reason.count })),
        { width: 400, labelWidth: 210, valueWidth: 80, colour: '#7a8794', valueText: (item) => `${count(item.count)} người` },
      );
      $('refreshed').textContent = report.refreshedAt ? `Số liệu tổng hợp lúc ${new Date(report.refreshedAt).toLocaleString('vi-VN')}.` : 'Kỳ này chưa được tổng hợp: bấm “Cập nhật số liệu”.';
      state.after = null;
      $('people-rows').replaceChildren();
      $('people').hidden = !state.communeCode;
      if (state.communeCode) await loadPeople();
    } catch (error) {
      if (error.message !== 'unauthenticated') $('message').textContent = error.message;
    }
  }

  async function loadPeople() {
    const page = await api(`/reporting/coverage/not-cashless?${new URLSearchParams({ period: $('period').value, communeCode: state.communeCode, ...($('programme').value ? { programmeCode: $('programme').value } : {}), ...(state.after ? { after: state.after } : {}) })}`);
    for (const person of page.items) {
      const row = document.createElement('tr');
      row.dataset.testid = 'person';
      for (const [text, numeric] of [[person.cccdMasked], [person.nameMasked], [count(person.cashAmountDong), true], [REASON_LABELS[person.reason] + (person.bankReasonCode ? ` (${person.bankReasonCode})` : '')], [person.accountReady ? 'Có' : 'Chưa']]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        if (numeric) cell.className = 'num';
        row.append(cell);
      }
      $('people-rows').append(row);
    }
    state.after = page.next;
    $('people-more').hidden = !page.next;
    $('people-count').textContent = `(${count($('people-rows').children.length)}${page.next ? '+' : ''})`;
  }

  async function download(format) {
    try {
      const response = await api(`/reporting/coverage/export.${format}?${scopeQuery({ period: $('period').value })}`, { raw: true });
      const link = Object.assign(document.createElement('a'), { href: URL.createObjectURL(await response.blob()), download: `bao-phu-${$('period').value}.${format}` });
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (error) {
      $('message').textContent = error.message;
    }
  }

  async function refresh() {
    try {
      const body = { period: $('period').value, ...(state.provinceCode ? { provinceCode: state.provinceCode } : {}) };
      await api('/reporting/coverage/refresh', { method: 'POST', body: JSON.stringify(body) });
      await render();
    } catch (error) {
      $('message').textContent = error.message;
    }
  }

  async function start() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    principal = token ? decode(token) : null;
    $('sign-in').hidden = Boolean(principal);
    $('report').hidden = !principal;
    $('sign-out').hidden = !principal;
    if (!principal) return;
    $('who').textContent = `${ROLE_LABELS[principal.role] || principal.role} ${principal.sub}${principal.provinceCode ? ` · tỉnh ${principal.provinceCode}` : ' · toàn quốc'}${principal.communeCode ? ` · xã ${principal.communeCode}` : ''}`;
    Object.assign(state, { provinceCode: principal.provinceCode || null, communeCode: principal.communeCode || null });
    const requested = new URLSearchParams(location.search).get('ky');
    if (requested) $('period').value = requested;
    else {
      // the latest month that has figures, within five years
      const now = new Date();
      const to = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
      try {
        const history = await api(`/reporting/coverage/trend?${scopeQuery({ from: shiftMonth(to, -59), to })}`);
        $('period').value = history.months.length ? history.months[history.months.length - 1].period : to;
      } catch (error) {
        if (error.message === 'unauthenticated') return;
        $('period').value = to;
      }
    }
    await render();
  }

  function signOut(reason) {
    sessionStorage.removeItem(TOKEN_KEY);
    principal = null;
    $('sign-in-message').textContent = reason || '';
    start();
  }

  $('sign-in').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('token').value.trim();
    if (!decode(token)) {
      $('token').setCustomValidity('Mã truy cập không đúng định dạng.');
      $('token').reportValidity();
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, token);
    $('sign-in-message').textContent = '';
    start();
  });
  $('token').addEventListener('input', () => $('token').setCustomValidity(''));
  $('sign-out').addEventListener('click', () => signOut());
  $('period').addEventListener('change', () => $('period').value && render());
  $('programme').addEventListener('change', render);
  $('export-csv').addEventListener('click', () => download('csv'));
  $('export-xlsx').addEventListener('click', () => download('xlsx'));
  $('refresh').addEventListener('click', refresh);
  $('people-more').addEventListener('click', loadPeople);
  start();
})();
