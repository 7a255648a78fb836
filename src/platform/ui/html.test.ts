import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { html, raw, SafeHtml } from './html.ts';

describe('html templates', () => {
  it('escapes < > & " and \' in interpolated text', () => {
    const out = html`<p>${`<script>alert("x") & 'y'</script>`}</p>`;
    assert.equal(out.value, '<p>&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;</p>');
  });

  it('escapes values in attributes so they cannot close the attribute or the tag', () => {
    const out = html`<a href="${'/x" onclick="evil()'}" title='${"it's"}'>${'go'}</a>`;
    assert.equal(out.value, '<a href="/x&quot; onclick=&quot;evil()" title=\'it&#39;s\'>go</a>');
  });

  it('passes SafeHtml through unescaped, so templates nest', () => {
    const inner = html`<b>${'a<b'}</b>`;
    assert.ok(inner instanceof SafeHtml);
    assert.equal(html`<p>${inner}</p>`.value, '<p><b>a&lt;b</b></p>');
  });

  it('joins arrays, escaping strings and keeping SafeHtml elements', () => {
    const out = html`<ul>${['<1>', html`<li>2</li>`, ['&']]}</ul>`;
    assert.equal(out.value, '<ul>&lt;1&gt;<li>2</li>&amp;</ul>');
  });

  it('renders null, undefined and false as nothing, and numbers and true as text', () => {
    assert.equal(html`[${null}${undefined}${false}]`.value, '[]');
    assert.equal(html`[${0}${true}${1.5}]`.value, '[0true1.5]');
  });

  it('raw() marks a trusted constant as HTML without escaping', () => {
    const out = html`<p>${raw('<br>')}</p>`;
    assert.equal(out.value, '<p><br></p>');
    assert.equal(String(raw('<i>x</i>')), '<i>x</i>');
  });

  it('toString gives the HTML text', () => {
    assert.equal(`${html`<p>${'&'}</p>`}`, '<p>&amp;</p>');
  });
});
