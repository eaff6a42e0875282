// Plain SVG charts for the coverage dashboard: no library, nothing fetched from elsewhere.
'use strict';
(function () {
  const NS = 'http://www.w3.org/2000/svg';
  const percentText = (value) => (value === null ? '—' : `${value.toLocaleString('vi-VN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} %`);
  const colourOf = (value) => (value === null ? '#9aa5b1' : value >= 50 ? '#1b7f4b' : value >= 20 ? '#d08a00' : '#c0392b');

  function el(name, attributes, text) {
    const node = document.createElementNS(NS, name);
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** A half-circle gauge of one percentage. */
  function gauge(container, value, testId) {
    const svg = el('svg', { viewBox: '0 0 200 120', width: '100%', role: 'img', 'aria-label': percentText(value) });
    const arc = (fraction) => {
      const angle = Math.PI * (1 - fraction);
      return `M 20 100 A 80 80 0 0 1 ${100 + 80 * Math.cos(angle)} ${100 - 80 * Math.sin(angle)}`;
    };
    svg.append(el('path', { d: arc(1), stroke: '#e3e7ec', 'stroke-width': 18, fill: 'none' }));
    if (value !== null && value > 0) svg.append(el('path', { d: arc(Math.min(value, 100) / 100), stroke: colourOf(value), 'stroke-width': 18, fill: 'none' }));
    svg.append(el('text', { x: 100, y: 95, 'text-anchor': 'middle', 'font-size': 26, 'font-weight': 600, 'data-testid': testId }, percentText(value)));
    container.replaceChildren(svg);
  }

  /** Horizontal bars, one per item ({ key, label, value (0–100), note, onClick }), sorted by the caller. */
  function bars(container, items, options = {}) {
    const rowHeight = 24;
    const labelWidth = options.labelWidth || 190;
    const width = options.width || 760;
    const valueWidth = options.valueWidth || 150;
    const max = options.max || 100;
    const svg = el('svg', { viewBox: `0 0 ${width} ${Math.max(items.length, 1) * rowHeight + 10}`, width: '100%', role: 'img' });
    items.forEach((item, index) => {
      const y = index * rowHeight + 4;
      const group = el('g', { class: item.onClick ? 'bar' : '', 'data-testid': `bar-${item.key}`, 'data-value': item.value === null ? '' : item.value, tabindex: item.onClick ? 0 : -1 });
      group.append(el('text', { x: labelWidth - 6, y: y + 14, 'text-anchor': 'end' }, item.label));
      group.append(el('rect', { x: labelWidth, y, width: width - labelWidth - valueWidth, height: rowHeight - 6, fill: '#eef1f5' }));
      const length = item.value === null ? 0 : ((width - labelWidth - valueWidth) * Math.min(item.value, max)) / max;
      group.append(el('rect', { class: 'value', x: labelWidth, y, width: Math.max(length, 0), height: rowHeight - 6, fill: options.colour || colourOf(item.value) }));
      group.append(el('text', { x: width - valueWidth + 5, y: y + 14 }, options.valueText ? options.valueText(item) : `${percentText(item.value)}  ${item.note || ''}`));
      const title = el('title', {}, `${item.label}: ${options.valueText ? options.valueText(item) : percentText(item.value)} ${item.note || ''}`);
      group.append(title);
      if (item.onClick) {
        group.addEventListener('click', item.onClick);
        group.addEventListener('keydown', (event) => event.key === 'Enter' && item.onClick());
      }
      svg.append(group);
    });
    if (items.length === 0) svg.append(el('text', { x: 10, y: 20 }, 'Chưa có số liệu cho kỳ này.'));
    container.replaceChildren(svg);
  }

  /** Two lines over months (by count, by amount), 0–100 %. */
  function trend(container, months) {
    const width = 380;
    const height = 200;
    const left = 36;
    const bottom = 28;
    const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img' });
    for (const tick of [0, 25, 50, 75, 100]) {
      const y = height - bottom - ((height - bottom - 24) * tick) / 100;
      svg.append(el('line', { x1: left, x2: width - 8, y1: y, y2: y, stroke: '#e3e7ec' }));
      svg.append(el('text', { x: left - 4, y: y + 4, 'text-anchor': 'end' }, `${tick}%`));
    }
    const x = (index) => left + ((width - left - 16) * (months.length === 1 ? 0.5 : index / (months.length - 1)));
    const y = (value) => height - bottom - ((height - bottom - 24) * (value || 0)) / 100;
    const series = [
      { key: 'coverageByCount', colour: '#0f4c81', label: 'theo số người' },
      { key: 'coverageByAmount', colour: '#1b7f4b', label: 'theo số tiền' },
    ];
    for (const line of series) {
      const points = months.filter((month) => month[line.key] !== null).map((month) => `${x(months.indexOf(month))},${y(month[line.key])}`);
      if (points.length) svg.append(el('polyline', { points: points.join(' '), fill: 'none', stroke: line.colour, 'stroke-width': 2.5 }));
      months.forEach((month, index) => {
        if (month[line.key] === null) return;
        const dot = el('circle', { cx: x(index), cy: y(month[line.key]), r: 3.5, fill: line.colour, 'data-testid': `trend-${line.key}-${month.period}` });
        dot.append(el('title', {}, `${month.period}: ${percentText(month[line.key])} ${line.label}`));
        svg.append(dot);
      });
    }
    months.forEach((month, index) => {
      if (months.length > 6 && index % 2 === 1 && index !== months.length - 1) return;
      svg.append(el('text', { x: x(index), y: height - 8, 'text-anchor': 'middle' }, `${month.period.slice(5)}/${month.period.slice(2, 4)}`));
    });
    series.forEach((line, index) => {
      svg.append(el('rect', { x: left + 8 + index * 120, y: 2, width: 10, height: 10, fill: line.colour }));
      svg.append(el('text', { x: left + 22 + index * 120, y: 11 }, line.label));
    });
    if (months.length === 0) svg.append(el('text', { x: left + 10, y: 60 }, 'Chưa có số liệu.'));
    container.replaceChildren(svg);
  }

  window.AnSinhCharts = { gauge, bars, trend, percentText };
})();
