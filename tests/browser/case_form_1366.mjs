// This file is part of onewindow.  The COPYRIGHT file at the top level of
// this repository contains the full copyright notices and license terms.
//
// Browser test of the web client (sao) at 1366×768, the size of the hall's
// desks:
//   node tests/browser/case_form_1366.mjs URL DATABASE
// - the clerk opens a case of the demo not accepted yet (draft or waiting
//   for supplement) with a material to check against its original, and an
//   accepted case: the case
//   number (not cut), the state, the check columns of the materials
//   (核验情况, 核验结果) and the button 经与原件核对无误 lie inside the
//   window and inside the list of the materials, without scrolling sideways;
//   the form shows the label 申请表数据 once;
// - the center administrator opens a matter: its form fields (申请表数据项)
//   are listed by their Chinese names under Chinese headers, no bare key
//   (company_name) shown in their place.
// Each measure is printed; screenshots go to tests/artifacts/
// (case_form_1366_*.png).
import {
    artifact, browserTest, CHECKED, columnIds, currentPane, currentViewType, login,
    MATERIAL_COLUMNS, oneLine, openMenu, relative, settle, waitUntil,
} from './lib.mjs';

const NAME = 'case_form_1366';
const PASSWORD = 'wengyuan-demo';
const WIDTH = 1366;
const HEIGHT = 768;
const CASE_MENU = ['服务大厅', '办件'];
const MATTER_MENU = ['服务大厅', '事项', '事项'];
const FORM_DATA = '申请表数据';
const FORM_FIELDS = '申请表数据项';
const CHECK_COLUMNS = [MATERIAL_COLUMNS.check, MATERIAL_COLUMNS.status];
const MATERIALS = '申请材料';
const APPLICATION = '申请';
// A key of a form field: what must not stand for its name
const KEY = /^[a-z][a-z0-9_]*$/;
const CJK = /[\u4e00-\u9fff]/;

// The visible rectangle of an element: its box cut by its scrolling
// ancestors and the window
async function visibleBox(locator) {
    return locator.evaluate((element) => {
        const box = element.getBoundingClientRect();
        let left = Math.max(box.left, 0);
        let right = Math.min(box.right, window.innerWidth);
        for (let parent = element.parentElement; parent; parent = parent.parentElement) {
            const style = getComputedStyle(parent);
            if (/(auto|scroll|hidden)/.test(style.overflowX)) {
                const clip = parent.getBoundingClientRect();
                left = Math.max(left, clip.left);
                right = Math.min(right, clip.right);
            }
        }
        return {
            left: Math.round(box.left), right: Math.round(box.right),
            width: Math.round(box.width),
            visibleWidth: Math.max(0, Math.round(right - left)),
        };
    });
}

// Fail unless the element lies whole inside the window and its scrolling
// ancestors; return its measure for the report
async function checkVisible(locator, what) {
    if (!(await locator.count())) {
        throw new Error(`${what} is not on the form`);
    }
    const box = await visibleBox(locator.first());
    // a pixel of rounding
    if (box.width === 0 || box.visibleWidth < box.width - 1) {
        throw new Error(`${what} is cut at ${WIDTH} px: it spans ${box.left}–${box.right} px `
            + `and ${box.visibleWidth} of its ${box.width} px are visible`);
    }
    return `${what} ${box.left}–${box.right}`;
}

// The page does not scroll sideways
async function checkNoSidewaysScroll(page, what) {
    const { scroll, client } = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
    }));
    if (scroll > client) {
        throw new Error(`${what}: the page scrolls sideways (${scroll} px wide in ${client} px)`);
    }
}

async function openCase(page, test, id, what) {
    test.step = `open ${what}`;
    // The form of the case, from the list of the cases opened by the menu
    await openMenu(page, test, CASE_MENU, 'onewindow.case', 'clerk');
    await page.evaluate((caseId) => {
        const screen = Sao.Tab.tabs.get_current().screen;
        return screen.load([caseId]).then(() => {
            screen.current_record = screen.group.get(caseId);
            return screen.switch_view('form');
        });
    }, id);
    await waitUntil(page, test, `${what} does not open`,
        async () => (await currentViewType(page)) === 'form');
    await settle(page, test, 500);
}

// Measure the case form: number, state, materials and their check columns
async function measureCase(page, test, what, withButton) {
    const pane = currentPane(page);
    const measures = [];
    test.step = `measure the number and the state of ${what}`;
    const number = pane.locator('input[name="number"]:not(.form-dict *)').first();
    measures.push(await checkVisible(number, 'the number'));
    const cut = await number.evaluate((input) => input.scrollWidth > input.clientWidth + 1);
    if (cut) {
        throw new Error(`the number "${await number.inputValue()}" of ${what} does not fit `
            + 'its field');
    }
    measures.push(await checkVisible(pane.locator('select[name="state"]').first(), 'the state'));

    test.step = `count the labels ${FORM_DATA} of ${what}`;
    await pane.locator('.nav-tabs a', { hasText: new RegExp(`^\\s*${APPLICATION}\\s*$`) })
        .first().click();
    await settle(page, test);
    const labels = await pane.evaluate((element, text) => [...element.querySelectorAll('*')]
        .filter((e) => e.offsetParent !== null && e.childElementCount === 0
            && e.textContent.replace(/[\s:：]/g, '') === text).length, FORM_DATA);
    if (labels !== 1) {
        throw new Error(`${what} shows the label ${FORM_DATA} ${labels} times`);
    }

    test.step = `open the materials of ${what}`;
    await pane.locator('.nav-tabs a', { hasText: new RegExp(`^\\s*${MATERIALS}\\s*$`) }).click();
    await settle(page, test);
    const materials = pane.locator('.form-one2many').filter({ visible: true }).first();
    const table = materials.locator('table.tree');
    await table.locator('tbody > tr').first().waitFor({ state: 'visible' });
    const ids = await columnIds(table, [...CHECK_COLUMNS, CHECKED]);
    for (const label of [...CHECK_COLUMNS, CHECKED]) {
        measures.push(await checkVisible(table.locator(`th#${ids[label]}`), `the column ${label}`));
    }
    // What the check columns say, whole: "经与原件核对无误", not "经与原件核对…"
    for (const label of CHECK_COLUMNS) {
        const cut = await table.locator(`td[headers="${ids[label]}"]`).evaluateAll(
            (cells) => cells.filter((td) => [td, ...td.querySelectorAll('*')]
                .some((e) => e.scrollWidth > e.clientWidth + 1))
                .map((td) => td.innerText.trim()));
        if (cut.length) {
            throw new Error(`the column ${label} of ${what} cuts ${cut.map((t) => `"${t}"`)
                .join(', ')}`);
        }
    }
    if (withButton) {
        const button = table.locator(`td[headers="${ids[CHECKED]}"] button`)
            .filter({ visible: true });
        measures.push(await checkVisible(button, `the button ${CHECKED}`));
        // Its whole label, not "经与…"
        const cut = await button.first().evaluate((element) => [element,
            ...element.querySelectorAll('*')].some((e) => e.scrollWidth > e.clientWidth + 1));
        if (cut) {
            throw new Error(`the label of the button ${CHECKED} is cut: it reads `
                + `"${oneLine(await button.first().innerText())}" in `
                + `${Math.round((await button.first().boundingBox()).width)} px`);
        }
    }
    await checkNoSidewaysScroll(page, what);
    const list = await materials.locator('.treeview').first().evaluate((view) => ({
        scroll: view.scrollWidth, client: view.clientWidth,
    }));
    if (list.scroll > list.client + 1) {
        throw new Error(`the list of the materials of ${what} scrolls sideways `
            + `(${list.scroll} px in ${list.client} px)`);
    }
    return measures;
}

async function main(page, test) {
    await page.setViewportSize({ width: WIDTH, height: HEIGHT });
    await login(page, test, 'clerk', PASSWORD);

    test.step = 'find the cases of the demo to open';
    const found = await page.evaluate(async () => {
        const session = Sao.Session.current_session;
        const search = (domain) => Sao.rpc({
            method: 'model.onewindow.case.search',
            params: [domain, 0, 1, [['id', 'ASC']], {}],
        }, session);
        return {
            draft: await search([['state', 'in', ['draft', 'supplement']],
                ['materials', 'where', [['original_check', '=', true],
                    ['original_checked_by', '=', null]]]]),
            accepted: await search([['state', '=', 'accepted'],
                ['number', '!=', null]]),
        };
    });
    if (!found.draft.length || !found.accepted.length) {
        throw new Error('the demo has no case before acceptance with an original to check '
            + `(${found.draft.length}) or no accepted case (${found.accepted.length}) `
            + 'that the clerk can read');
    }

    await openCase(page, test, found.draft[0], 'the case before acceptance');
    const draft = await measureCase(page, test, 'the case before acceptance', true);
    const draftShot = artifact('case_form_1366_draft.png');
    await page.screenshot({ path: draftShot });
    test.log(`ok, the case before acceptance at ${WIDTH}×${HEIGHT}: ${draft.join(', ')}; `
        + `screenshot ${relative(draftShot)}`);

    await openCase(page, test, found.accepted[0], 'the accepted case');
    const accepted = await measureCase(page, test, 'the accepted case', false);
    const acceptedShot = artifact('case_form_1366_accepted.png');
    await page.screenshot({ path: acceptedShot });
    test.log(`ok, the accepted case at ${WIDTH}×${HEIGHT}: ${accepted.join(', ')}; `
        + `screenshot ${relative(acceptedShot)}`);

    const adminPage = await test.newPage({ viewport: { width: WIDTH, height: HEIGHT } });
    await test.usePage(adminPage);
    await login(adminPage, test, 'center_admin', PASSWORD);
    test.step = 'find a matter with form fields';
    const matter = await adminPage.evaluate(() => Sao.rpc({
        method: 'model.onewindow.matter.search',
        params: [[['form_fields', '!=', null], ['state', '=', 'published']], 0, 1,
            [['id', 'ASC']], {}],
    }, Sao.Session.current_session));
    if (!matter.length) {
        throw new Error('the demo has no published matter with form fields');
    }
    // The folder 事项 holds the entry 事项
    test.step = `open the menu ${MATTER_MENU.join(' → ')}`;
    const menu = adminPage.locator('#menu');
    for (const [i, name] of MATTER_MENU.entries()) {
        const entries = menu.locator('.column-char', { hasText: new RegExp(`^\\s*${name}\\s*$`) });
        const occurrence = MATTER_MENU.slice(0, i).filter((n) => n === name).length;
        await entries.nth(occurrence).click();
        await settle(adminPage, test);
    }
    await waitUntil(adminPage, test, 'the matters do not open', () => adminPage.evaluate(() => {
        const tab = Sao.Tab.tabs.get_current();
        return Boolean(tab && tab.screen && tab.screen.model_name === 'onewindow.matter');
    }));
    await adminPage.evaluate((matterId) => {
        const screen = Sao.Tab.tabs.get_current().screen;
        return screen.load([matterId]).then(() => {
            screen.current_record = screen.group.get(matterId);
            return screen.switch_view('form');
        });
    }, matter[0]);
    await waitUntil(adminPage, test, 'the matter does not open',
        async () => (await currentViewType(adminPage)) === 'form');
    await settle(adminPage, test, 500);
    const pane = currentPane(adminPage);
    test.step = `open the page ${FORM_FIELDS}`;
    await pane.locator('.nav-tabs a', { hasText: new RegExp(`^\\s*${FORM_FIELDS}\\s*$`) })
        .click();
    await settle(adminPage, test);
    const list = pane.locator('.form-one2many').filter({ visible: true }).first();
    const table = list.locator('table.tree');
    const rows = table.locator('tbody > tr');
    await rows.first().waitFor({ state: 'visible' });
    test.step = `read the list ${FORM_FIELDS}`;
    const headers = (await table.locator('thead th').filter({ visible: true }).allInnerTexts())
        .map(oneLine).filter(Boolean);
    const english = headers.filter((h) => !CJK.test(h));
    if (english.length) {
        throw new Error(`the list ${FORM_FIELDS} has headers not in Chinese: `
            + `${english.join(', ')} (all: ${headers.join(', ')})`);
    }
    // The name of a form field under the hall's word, not core's 字符串
    if (!headers.includes('数据项名称') || headers.includes('字符串')) {
        throw new Error(`the list ${FORM_FIELDS} does not head the names 数据项名称: `
            + headers.join(', '));
    }
    const cells = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')]
        .filter((td) => td.offsetParent !== null)
        .map((td) => td.innerText.trim()).filter(Boolean)));
    const keys = cells.flat().filter((text) => KEY.test(text));
    if (keys.length) {
        throw new Error(`the list ${FORM_FIELDS} shows keys: ${keys.join(', ')}`);
    }
    const unnamed = cells.filter((row) => !row.some((text) => CJK.test(text)));
    if (unnamed.length) {
        throw new Error(`${unnamed.length} form fields have no Chinese name in the list: `
            + unnamed.map((row) => row.join(' ')).join('; '));
    }
    const fieldsShot = artifact('case_form_1366_form_fields.png');
    await adminPage.screenshot({ path: fieldsShot });
    test.log(`ok, ${cells.length} form fields under the headers ${headers.join(', ')}, `
        + `each by its Chinese name (${cells.map((row) => row[0]).join(', ')}); `
        + `screenshot ${relative(fieldsShot)}`);
}

await browserTest(NAME, main);
