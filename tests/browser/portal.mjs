// This file is part of onewindow.  The COPYRIGHT file at the top level of
// this repository contains the full copyright notices and license terms.
//
// What the browser tests of the portal (/<database>/portal/) share: the
// pages of the demo listed by tests/browser/portal_pages.py, the check of a
// page (axe-core at a phone's and a desktop's size, no sideways scrolling on
// the phone, every control of its forms reached by Tab), a login by the
// keyboard, and the text messages of the demo gateway read as the
// administrator over JSON-RPC.
//
// axe-core is installed (pinned) with sao by scripts/install_sao.sh into
// .sao/node_modules; it is run inside the page, which keeps its
// Content-Security-Policy (the script is handed to the browser's debugger,
// not loaded by the page).
import fs from 'node:fs';
import path from 'node:path';

import { oneLine, top } from './lib.mjs';

export const PHONE = { width: 375, height: 812 };
export const DESKTOP = { width: 1366, height: 768 };
export const SIZES = [PHONE, DESKTOP];
// The impacts that fail a page
export const FAILING = new Set(['serious', 'critical']);

const AXE_PATH = path.join(top, '.sao', 'node_modules', 'axe-core', 'axe.min.js');

let axeSource;
function axeScript() {
    if (!axeSource) {
        if (!fs.existsSync(AXE_PATH)) {
            throw new Error('axe-core is not installed in .sao/node_modules; '
                + 'run scripts/install_sao.sh');
        }
        axeSource = fs.readFileSync(AXE_PATH, 'utf8');
    }
    return axeSource;
}

export function axeVersion() {
    return JSON.parse(fs.readFileSync(
        path.join(path.dirname(AXE_PATH), 'package.json'), 'utf8')).version;
}

// The JSON written by portal_pages.py (its path is the third argument)
export function portalPages() {
    const file = process.argv[4];
    if (!file) {
        throw new Error('usage: node SCRIPT.mjs URL DATABASE PAGES.json');
    }
    return JSON.parse(fs.readFileSync(file, 'utf8'));
}

export function portalUrl(test, pagePath = '') {
    return `${test.url}/${test.database}/portal/${pagePath}`;
}

// The figures of the checks, printed by the script as one JSON line that
// tests/test_browser.py reports
export function newFigures() {
    return {
        pages: 0, sizes: SIZES.map((s) => `${s.width}x${s.height}`),
        axe_runs: 0, serious: 0, moderate: 0, forms: 0, controls: 0,
        unreachable: 0, overflow: 0, names: [],
    };
}

export function printFigures(test, figures) {
    figures.axe = axeVersion();
    console.log(`FIGURES ${JSON.stringify(figures)}`);
}

// Run axe-core on the page; return its violations
export async function runAxe(page) {
    if (!(await page.evaluate(() => Boolean(window.axe)))) {
        await page.evaluate(axeScript());
    }
    return page.evaluate(async () => {
        const results = await window.axe.run(document, { resultTypes: ['violations'] });
        return results.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: `
                + (n.failureSummary || '').replace(/\s+/g, ' ')),
        }));
    });
}

// Press Tab from the top of the page until the focus comes back; return
// the controls of the forms it never reached (a radio group is reached
// when one of its buttons is) and the elements it reached whose focus does
// not show (no outline, no ring).
export async function unreachableControls(page) {
    await page.evaluate(() => {
        for (const element of document.querySelectorAll('[data-ow-tab]')) {
            delete element.dataset.owTab;
            delete element.dataset.owNoFocus;
        }
        if (document.activeElement) {
            document.activeElement.blur();
        }
        window.scrollTo(0, 0);
    });
    const count = await page.evaluate(() => document.querySelectorAll(
        'a[href], button, input, select, textarea, [tabindex]').length);
    for (let i = 0; i < count + 3; i++) {
        await page.keyboard.press('Tab');
        const again = await page.evaluate(() => {
            const element = document.activeElement;
            if (!element || element === document.body) {
                return false;
            }
            if (element.dataset.owTab) {
                return true;
            }
            element.dataset.owTab = '1';
            // The focus shows: an outline or a ring
            const style = window.getComputedStyle(element);
            if ((style.outlineStyle === 'none' || parseFloat(style.outlineWidth) === 0)
                    && style.boxShadow === 'none') {
                element.dataset.owNoFocus = '1';
            }
            return false;
        });
        if (again) {
            break;
        }
    }
    return page.evaluate(() => {
        const missed = [...document.querySelectorAll('[data-ow-no-focus]')].map(
            (e) => `${e.tagName.toLowerCase()} "${(e.textContent || e.name || '').replace(/\s+/g, ' ').trim().slice(0, 40)}" without a visible focus`);
        const radios = new Set();
        for (const form of document.forms) {
            for (const element of form.elements) {
                if (element.type === 'hidden' || element.disabled
                        || element.tagName === 'FIELDSET' || element.tagName === 'OBJECT'
                        || !element.getClientRects().length) {
                    continue;
                }
                if (element.type === 'radio') {
                    if (radios.has(element.name)) {
                        continue;
                    }
                    radios.add(element.name);
                    const group = [...form.elements].filter(
                        (e) => e.type === 'radio' && e.name === element.name);
                    if (!group.some((e) => e.dataset.owTab)) {
                        missed.push(`the radio buttons ${element.name}`);
                    }
                    continue;
                }
                if (!element.dataset.owTab) {
                    const label = (element.labels && element.labels[0]
                        && element.labels[0].textContent)
                        || element.textContent || element.name || element.id;
                    missed.push(`never reaches ${element.tagName.toLowerCase()} "${label.replace(/\s+/g, ' ').trim()}"`);
                }
            }
        }
        return missed;
    });
}

// Check the page shown: axe-core at each size (a serious or critical
// violation is a problem), no sideways scrolling at the phone's width, and
// every control of its forms reached by Tab.  Return the problems found.
export async function checkPage(page, test, figures, name) {
    const problems = [];
    figures.pages += 1;
    figures.names.push(name);
    let forms = 0;
    for (const size of SIZES) {
        await page.setViewportSize(size);
        const violations = await runAxe(page);
        figures.axe_runs += 1;
        for (const v of violations) {
            if (FAILING.has(v.impact)) {
                figures.serious += 1;
                problems.push(`${name} at ${size.width}×${size.height}: axe ${v.impact} `
                    + `"${v.id}" (${v.help}): ${v.nodes.join('; ')}`);
            } else {
                figures.moderate += 1;
                test.log(`${name} at ${size.width}×${size.height}: axe ${v.impact} "${v.id}" `
                    + `(${v.help}), not counted: ${v.nodes.join('; ')}`);
            }
        }
        if (size === PHONE) {
            const widths = await page.evaluate(() => [
                document.documentElement.scrollWidth, document.documentElement.clientWidth]);
            if (widths[0] > widths[1]) {
                figures.overflow += 1;
                problems.push(`${name} at ${size.width}×${size.height} scrolls sideways: `
                    + `${widths[0]} px wide in ${widths[1]} px`);
            }
            forms = await page.locator('form').count();
            if (forms) {
                const missed = await unreachableControls(page);
                figures.forms += forms;
                figures.controls += await page.evaluate(() => [...document.forms]
                    .flatMap((f) => [...f.elements])
                    .filter((e) => e.type !== 'hidden' && e.tagName !== 'FIELDSET').length);
                figures.unreachable += missed.length;
                for (const control of missed) {
                    problems.push(`${name}: Tab: ${control}`);
                }
            }
        }
    }
    await page.setViewportSize(PHONE);
    return problems;
}

// Check the page and fail at once on a problem
export async function assertPage(page, test, figures, name) {
    const problems = await checkPage(page, test, figures, name);
    if (problems.length) {
        throw new Error(problems.join('\n  '));
    }
}

// Type into the field as the user does from the keyboard: Tab until it has
// the focus (from the focused element or the top), then type
export async function tabTo(page, selector, what) {
    const target = page.locator(selector).first();
    await target.waitFor({ state: 'visible' });
    for (let i = 0; i < 80; i++) {
        if (await target.evaluate((e) => e === document.activeElement)) {
            return target;
        }
        await page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reaches ${what} (${selector})`);
}

export async function typeInto(page, selector, text, what) {
    await tabTo(page, selector, what);
    await page.keyboard.press('Control+A');
    await page.keyboard.type(text);
}

// Log in on the portal's login page with the keyboard only
export async function portalLogin(page, test, mobile, password) {
    test.step = `log in on the portal as ${mobile}`;
    await page.goto(portalUrl(test, 'login'));
    await typeInto(page, '#mobile', mobile, 'the mobile number');
    await typeInto(page, '#password', password, 'the password');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    const logout = page.locator('form[action$="/logout"] button');
    if (!(await logout.count())) {
        throw new Error(`the login as ${mobile} did not log in; the page says: `
            + oneLine(await page.locator('main').innerText()).slice(0, 300));
    }
}

// Call a JSON-RPC method of trytond as the administrator of the demo
export async function adminRpc(test, method, params) {
    if (!test.adminSession) {
        const answer = await rpc(test, null, 'common.db.login',
            ['admin', { password: 'wengyuan-admin' }, 'zh_CN']);
        const [id, key] = answer;
        test.adminSession = Buffer.from(`admin:${id}:${key}`).toString('base64');
    }
    return rpc(test, test.adminSession, method, params);
}

async function rpc(test, session, method, params) {
    const headers = { 'Content-Type': 'application/json' };
    if (session) {
        headers.Authorization = `Session ${session}`;
    }
    const response = await fetch(`${test.url}/${test.database}/`, {
        method: 'POST', headers,
        body: JSON.stringify({ id: 1, method, params }),
    });
    const body = await response.json();
    if (body.error) {
        throw new Error(`${method}: ${JSON.stringify(body.error).slice(0, 300)}`);
    }
    return body.result;
}

// The verification code of the last text message of the demo gateway to
// the mobile number
export async function smsCode(test, mobile) {
    const messages = await adminRpc(test, 'model.onewindow.portal.sms.search_read', [
        [['recipient', '=', mobile], ['kind', '=', 'code']], 0, 1, [['id', 'DESC']],
        ['text'], {}]);
    if (!messages.length) {
        throw new Error(`the demo gateway holds no code sent to ${mobile}`);
    }
    const found = /\b(\d{6})\b/.exec(messages[0].text);
    if (!found) {
        throw new Error(`the text message to ${mobile} has no 6-digit code: ${messages[0].text}`);
    }
    return found[1];
}
