// This file is part of onewindow.  The COPYRIGHT file at the top level of
// this repository contains the full copyright notices and license terms.
//
// Browser test of the web client (sao): one promised case (承诺件) from its
// acceptance to its delivery, across the window clerk and the approver of
// the department, each in his own browser:
//   node tests/browser/promised_case_two_users.mjs URL DATABASE
//
// 1. The clerk (clerk) opens 服务大厅 → 办件, registers a case of
//    最低生活保障审批 (a promised matter of 县民政局 delegated to the
//    comprehensive window) for a natural person of the demo, receives and
//    checks the materials, accepts it (已受理) and hands it over (移交): the
//    hand-over slip (物料流转凭证) opens, 已移交, and the case is 审查中.
// 2. The approver of 县民政局 (approver_mz) finds the slip in 服务大厅 →
//    物料流转, tab 待接收, and signs for it (签收, 已签收); he finds the case
//    in 办件, tab 审查中, completes its review step (办结), gives the decision
//    number and approves it (批准, 已批准), uploads the signed decision, gives
//    the number of the result, uploads the result and sends it back to the
//    center (送回结果).
// 3. The clerk finds the case in 办件, tab 待出件, uploads the scan of the
//    result, verifies it (出件核验, 待领取), prints the pickup notice
//    (领证通知书), delivers the result at the window to the applicant
//    (窗口领取, 送达, 已送达) and prints the delivery receipt (送达回执), each
//    through the one entry of the print menu (打印文书), which offers the
//    pickup notice and not the receipt before the delivery, and the receipt
//    and not the pickup notice after it.
// At each hand-off the test checks what each user sees: the state in
// Chinese and the case (or the slip) in the tab where he looks for it; at the
// end the case is 已送达 when read again from the server.
//
// Screenshots go to tests/artifacts/ (promised_case_*.png) with the two
// documents (promised_case_pickup_notice.pdf, ..._delivery_receipt.pdf).
// Exits non-zero with a message (and a screenshot of the page) on any failure.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';

import {
    artifact, browserTest, CHECKED, checkOriginals, chooseCompletion, currentPane,
    currentViewType, editIntegerCell, exactly, expectedMaterials, findApplicant,
    linesOf, login, MATERIAL_COLUMNS, oneLine, openMenu, PRINT_DOCUMENTS,
    printDocument, relative, selectedText, settle, waitUntil,
} from './lib.mjs';

const NAME = 'promised_case_two_users';
const PASSWORD = 'wengyuan-demo';
const CLERK = 'clerk';
const APPROVER = 'approver_mz';
const CASE_MENU = ['服务大厅', '办件'];
const HANDOVER_MENU = ['服务大厅', '物料流转'];
const CASE_MODEL = 'onewindow.case';
const HANDOVER_MODEL = 'onewindow.handover';
const MATTER = '最低生活保障审批';
const DEPARTMENT = '翁源县民政局';
const PHONE = '13902297788';
// The labels of the views and their translation (locale/zh_CN.po)
const STATE = {
    draft: '草稿',
    accepted: '已受理',
    review: '审查中',
    approved: '已批准',
    ready: '待领取',
    delivered: '已送达',
};
const HANDOVER_STATE = { sent: '已移交', received: '已签收' };
const STEP_STATE = { running: '进行中', done: '已办结' };
const STEP_KIND_REVIEW = '审查';
const TAB = { review: '审查中', exit: '待出件', toReceive: '待接收' };
const PAGE = {
    materials: '申请材料',
    review: '审查',
    decision: '决定',
    exit: '结果与送达',
};
const BUTTON = {
    accept: '受理',
    handOver: '移交',
    receive: '签收',
    complete: '办结',
    approve: '批准',
    sendResult: '送回结果',
    verify: '出件核验',
    deliver: '送达',
    checked: CHECKED,
};
const WINDOW_PICKUP = '窗口领取';
const PICKUP_NOTICE = '领证通知书';
const DELIVERY_RECEIPT = '送达回执';
const COMPLETE = '齐全';
const STEP_COLUMNS = { name: '名称', kind: '类型', state: '状态', button: BUTTON.complete };
// LibreOffice converts the documents to PDF: its first start is slow.
const REPORT_TIMEOUT = 120000;
// The server works the buttons of the back office on a shared machine
const BUTTON_TIMEOUT = 90000;

// A small PDF file to upload, as a scanner would give it
function pdfFile(name, title) {
    const text = `%PDF-1.4\n% ${title}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`;
    return { name, mimeType: 'application/pdf', buffer: Buffer.from(text) };
}

// What a user does on the case (or slip) form of the current tab
function formOf(page, test) {
    const pane = currentPane(page);
    const form = {
        pane,
        // A field of the record, not an entry of its application form
        field: (name) => pane.locator(`input[name="${name}"]:not(.form-dict *)`).first(),
        select: (name) => pane.locator(`select[name="${name}"]`).first(),
        async state() {
            return selectedText(form.select('state'));
        },
        async expectState(expected, what) {
            await waitUntil(page, test, `${what}: the state is not "${expected}"`,
                async () => (await form.state()) === expected);
        },
        async openPage(label) {
            test.step = `open the page "${label}" of the form`;
            await pane.locator('.nav-tabs a', { hasText: exactly(label) }).first().click();
            await settle(page, test);
        },
        async save(what) {
            test.step = `save ${what}`;
            await pane.locator('button#save').click();
            await waitUntil(page, test, `${what} is not saved`, () => page.evaluate(() => {
                const record = Sao.Tab.tabs.get_current().screen.current_record;
                return record && record.id >= 0 && !record.modified;
            }));
            await settle(page, test);
        },
        // Click the button of the form, confirm when sao asks, and wait
        // until done() tells it is done
        async click(label, what, done) {
            test.step = `click ${label} (${what})`;
            const button = pane.locator('.form-buttons button, button', {
                hasText: exactly(label),
            }).filter({ visible: true }).first();
            try {
                await button.waitFor({ state: 'visible' });
            } catch (error) {
                const shown = (await pane.locator('button:visible').allInnerTexts())
                    .map(oneLine).filter(Boolean);
                throw new Error(`no button "${label}" on the form; it shows: `
                    + shown.join(', '));
            }
            await button.click();
            let confirmed = false;
            await waitUntil(page, test, `${what}: not done after ${label}`, async () => {
                const confirm = page.locator(
                    '.modal.confirmation-dialog:visible .btn-primary');
                // Confirm once when sao asks (the dialog fades out after)
                if (!confirmed && await confirm.count()) {
                    await confirm.first().click();
                    confirmed = true;
                    return false;
                }
                return done();
            }, { allowed: ['confirmation-dialog'], timeout: BUTTON_TIMEOUT });
            await settle(page, test);
        },
        // Give the file to the binary field name as the user picks it
        async upload(name, file, what) {
            test.step = `upload ${what} (${file.name})`;
            const widget = pane.locator('.form-binary', {
                has: page.locator(`input[name="${name}"]`),
            }).first();
            await widget.waitFor({ state: 'visible' });
            await widget.locator('input[type=file]').setInputFiles(file);
            await waitUntil(page, test, `${what} is not taken`, async () =>
                (await widget.locator(`input[name="${name}"]`).inputValue()) !== '');
            await settle(page, test);
        },
        async fill(name, value, what) {
            test.step = `fill ${what}`;
            const input = form.field(name);
            await input.waitFor({ state: 'visible' });
            await input.fill(value);
            await input.press('Tab');
            await settle(page, test);
        },
        async chooseOption(name, label, what) {
            test.step = `choose ${label} as ${what}`;
            const select = form.select(name);
            await select.waitFor({ state: 'visible' });
            await select.selectOption({ label });
            await settle(page, test);
            const chosen = await selectedText(select);
            if (chosen !== label) {
                throw new Error(`${what} shows "${chosen}", not "${label}"`);
            }
        },
        // Print the report label from the print menu, which must not offer
        // the documents of absent (of another state); return what was checked
        async print(label, file, words, absent = []) {
            const { offered, download } = await printDocument(page, test, pane, label,
                REPORT_TIMEOUT);
            const wrong = absent.filter((other) => offered.includes(other));
            if (wrong.length) {
                throw new Error(`"${PRINT_DOCUMENTS}" offers ${wrong.join(', ')} for a case `
                    + `${await form.state()}; it offers: ${offered.join(', ')}`);
            }
            await download.saveAs(file);
            return `${checkDocument(label, download.suggestedFilename(), file, words)} `
                + `(offered: ${offered.join(', ')})`;
        },
    };
    return form;
}

// Check that the file of the document is a PDF (or an ODT) whose text shows
// the words; return what was checked
function checkDocument(label, filename, file, words) {
    const content = fs.readFileSync(file);
    const pdf = content.subarray(0, 5).toString() === '%PDF-';
    // An ODT is a zip file
    const odt = content.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    if (content.length < 1000 || !(pdf || odt)) {
        throw new Error(`the ${label} "${filename}" is neither a PDF nor an ODT `
            + `(${content.length} bytes)`);
    }
    if (!pdf) {
        return `${label} ${filename} (ODT, ${content.length} bytes)`;
    }
    let text;
    try {
        text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'],
            { encoding: 'utf8' }).replace(/\s+/g, '');
    } catch (error) {
        if (error.code === 'ENOENT') {
            return `${label} ${filename} (PDF, ${content.length} bytes, not read: no pdftotext)`;
        }
        throw error;
    }
    const missing = [label, ...words].filter((word) => !text.includes(word));
    if (missing.length) {
        throw new Error(`the ${label} ${filename} does not show: ${missing.join(', ')}`);
    }
    return `${label} ${filename} (PDF, ${content.length} bytes) shows ${words.join(', ')}`;
}

// Wait for the list of the current tab and open the tab of its domain
// whose name starts with label
async function openDomainTab(page, test, label) {
    const pane = currentPane(page);
    test.step = `open the tab ${label} of the list`;
    // sao shows the tab of the menu again when it is open already: back to
    // its list
    await settle(page, test);
    if ((await currentViewType(page)) === 'form') {
        await pane.locator('button#switch_').click();
    }
    await waitUntil(page, test, 'the list does not show',
        async () => (await currentViewType(page)) === 'tree');
    const tab = pane.locator('.tab-domain .nav-tabs a', {
        hasText: new RegExp(`^\\s*${label}(\\s|$)`),
    }).first();
    try {
        await tab.waitFor({ state: 'visible' });
    } catch (error) {
        const shown = (await pane.locator('.tab-domain .nav-tabs a').allInnerTexts())
            .map(oneLine);
        throw new Error(`the list has no tab "${label}"; its tabs are: ${shown.join(', ')}`);
    }
    await tab.click();
    await settle(page, test);
}

// The row of the list of the current tab that shows text, opened in its form
async function openRow(page, test, text, what) {
    const pane = currentPane(page);
    test.step = `find ${what} in the list`;
    const row = pane.locator('table.tree tbody > tr', { hasText: text }).first();
    await waitUntil(page, test, `${what} is not in the list`, async () => {
        if (await row.isVisible()) {
            return true;
        }
        return false;
    });
    test.step = `open ${what}`;
    // On the cell of the text: the cells of a many2one are links to their
    // record
    await row.locator('td', { hasText: text }).last().dblclick();
    await waitUntil(page, test, `${what} does not open`,
        async () => (await currentViewType(page)) === 'form');
    await settle(page, test);
    return row;
}

// The clerk registers the case, receives and checks its materials and
// accepts it; return its number and applicant
async function registerAndAccept(page, test) {
    await openMenu(page, test, CASE_MENU, CASE_MODEL, CLERK);
    const form = formOf(page, test);
    const { pane } = form;

    test.step = 'open a new case';
    await waitUntil(page, test, 'the list of cases does not show',
        async () => (await currentViewType(page)) === 'tree');
    await pane.locator('button#new_').click();
    await waitUntil(page, test, 'the case form does not open',
        async () => (await currentViewType(page)) === 'form'
            && (await form.select('state').isVisible()));
    await form.expectState(STATE.draft, 'the new case');
    await settle(page, test);

    test.step = `choose the matter ${MATTER}`;
    await chooseCompletion(page, test, form.field('matter'), MATTER, MATTER, 'the matter');
    await waitUntil(page, test, `the department of ${MATTER} is not ${DEPARTMENT}`,
        async () => (await form.field('department').inputValue()) === DEPARTMENT);

    const applicant = await findApplicant(page);
    test.step = `choose the applicant ${applicant.name} by the resident ID ${applicant.id}`;
    await chooseCompletion(page, test, form.field('applicant'), applicant.id,
        exactly(applicant.name), 'the applicant');
    await form.fill('phone', PHONE, 'the contact phone');

    const dict = pane.locator('.form-dict');
    for (const [label, key, value] of [
        ['申请人姓名', 'applicant_name', applicant.name],
        ['公民身份号码', 'id_number', applicant.id],
        ['联系电话', 'phone', PHONE],
    ]) {
        test.step = `fill "${label}" in the application form`;
        await chooseCompletion(page, test, dict.locator('input[name="form_data"]'),
            label, exactly(label), `the field "${label}" of the application form`);
        const entry = dict.locator(`.form-dict-container input[name="${key}"]`);
        await entry.waitFor({ state: 'visible' });
        await entry.fill(value);
        await entry.press('Tab');
        await settle(page, test);
    }
    await form.save('the new case');

    await form.openPage(PAGE.materials);
    const lines = await linesOf(pane, 'materials', MATERIAL_COLUMNS);
    const checklist = await expectedMaterials(lines);
    const count = checklist.length;
    for (const [i, material] of checklist.entries()) {
        for (const column of ['paper', 'electronic']) {
            if (!material[column]) {
                continue;
            }
            test.step = `receive ${material[column]} ${MATERIAL_COLUMNS[column]} of ${material.name}`;
            await editIntegerCell(page, test, lines.cell(lines.rows.nth(i), column),
                material[column], `${MATERIAL_COLUMNS[column]} of ${material.name}`);
        }
    }
    await form.save('the materials received');
    await checkOriginals(page, test, lines, checklist, BUTTON.checked);
    test.step = 'read the status of the materials';
    const incomplete = [];
    for (let i = 0; i < count; i++) {
        const status = await lines.text(lines.rows.nth(i), 'status');
        if (status !== COMPLETE) {
            incomplete.push(`${checklist[i].name}: ${status}`);
        }
    }
    if (incomplete.length) {
        throw new Error(`materials not "${COMPLETE}": ${incomplete.join(', ')}`);
    }

    await form.click(BUTTON.accept, 'accept the case',
        async () => /^WY-/.test(await form.field('number').inputValue()));
    await form.expectState(STATE.accepted, 'the accepted case');
    const number = await form.field('number').inputValue();
    test.log(`${CLERK} accepted ${number} (${MATTER}, ${applicant.name} ${applicant.id})`);
    return { number, applicant };
}

// The clerk hands the accepted case over: the slip opens in its own tab
async function handOver(page, test, number) {
    const form = formOf(page, test);
    await form.click(BUTTON.handOver, `hand ${number} over`, () => page.evaluate(
        (model) => {
            const tab = Sao.Tab.tabs.get_current();
            return tab && tab.screen && tab.screen.model_name === model;
        }, HANDOVER_MODEL));
    const slip = formOf(page, test);
    test.step = 'open the hand-over slip';
    // The tab of the slips lists the new one: open it
    await waitUntil(page, test, 'the tab of the hand-over slip shows nothing',
        async () => (await currentViewType(page)) === 'form'
            || slip.pane.locator('table.tree tbody > tr').first().isVisible());
    if ((await currentViewType(page)) === 'tree') {
        const rows = slip.pane.locator('table.tree tbody > tr');
        if ((await rows.count()) !== 1) {
            throw new Error(`${BUTTON.handOver} opens ${await rows.count()} slips, not one`);
        }
        await rows.first().locator('td', { hasText: /\S/ }).first().dblclick();
    }
    test.step = 'read the hand-over slip';
    await waitUntil(page, test, 'the hand-over slip does not show in its form',
        async () => (await currentViewType(page)) === 'form'
            && (await slip.field('number').inputValue()) !== '');
    const handover = await slip.field('number').inputValue();
    await slip.expectState(HANDOVER_STATE.sent, `the hand-over slip ${handover}`);
    const department = await slip.field('department').inputValue();
    if (department !== DEPARTMENT) {
        throw new Error(`the hand-over slip ${handover} goes to "${department}", `
            + `not ${DEPARTMENT}`);
    }
    const cases = slip.pane.locator('table.tree tbody > tr', { hasText: number });
    await waitUntil(page, test, `the slip ${handover} does not list ${number}`,
        async () => (await cases.count()) === 1);
    const caseState = oneLine(await cases.first().innerText());
    if (!caseState.includes(STATE.review)) {
        throw new Error(`on the slip ${handover}, ${number} is not ${STATE.review}: ${caseState}`);
    }
    await page.screenshot({ path: artifact('promised_case_handed_over.png') });
    return handover;
}

// The approver of the department signs for the slip
async function receive(page, test, handover, number) {
    await openMenu(page, test, HANDOVER_MENU, HANDOVER_MODEL, APPROVER);
    await openDomainTab(page, test, TAB.toReceive);
    await openRow(page, test, handover, `the slip ${handover} in ${TAB.toReceive}`);
    const slip = formOf(page, test);
    await slip.expectState(HANDOVER_STATE.sent, `the slip ${handover} for ${APPROVER}`);
    await slip.click(BUTTON.receive, `sign for ${handover}`,
        async () => (await slip.state()) === HANDOVER_STATE.received);
    test.step = 'read who signed for the slip';
    const by = await slip.field('received_by').inputValue();
    if (!by) {
        throw new Error(`the slip ${handover} shows nobody in 签收人 once received`);
    }
    const line = slip.pane.locator('table.tree tbody > tr', { hasText: number });
    if (!(await line.count())) {
        throw new Error(`${APPROVER} does not see ${number} on the slip ${handover}`);
    }
    await page.screenshot({ path: artifact('promised_case_received.png') });
    return by;
}

// The approver works the review steps, decides and sends the result back
async function review(page, test, number) {
    await openMenu(page, test, CASE_MENU, CASE_MODEL, APPROVER);
    await openDomainTab(page, test, TAB.review);
    await openRow(page, test, number, `${number} in ${TAB.review}`);
    const form = formOf(page, test);
    const { pane } = form;
    await form.expectState(STATE.review, `${number} for ${APPROVER}`);

    await form.openPage(PAGE.review);
    const steps = await linesOf(pane, 'steps', STEP_COLUMNS);
    const count = await steps.rows.count();
    const done = [];
    for (let i = 0; i < count; i++) {
        const row = steps.rows.nth(i);
        const name = await steps.text(row, 'name');
        const kind = await steps.text(row, 'kind');
        // The review steps must be done before the decision, which closes
        // the steps of the decision itself
        if (kind !== STEP_KIND_REVIEW) {
            continue;
        }
        test.step = `complete the step ${name}`;
        if ((await steps.text(row, 'state')) !== STEP_STATE.running) {
            throw new Error(`the step ${name} of ${number} is `
                + `"${await steps.text(row, 'state')}", not ${STEP_STATE.running}`);
        }
        const button = steps.cell(row, 'button').locator('button');
        // The first click may only select the line; sao asks to confirm.
        let clicks = 0;
        let confirmed = false;
        await waitUntil(page, test, `the step ${name} is not ${STEP_STATE.done}`, async () => {
            if ((await steps.text(row, 'state')) === STEP_STATE.done) {
                return true;
            }
            const confirm = page.locator('.modal.confirmation-dialog:visible .btn-primary');
            if (!confirmed && await confirm.count()) {
                await confirm.first().click();
                confirmed = true;
            } else if (!confirmed && await button.isEnabled().catch(() => false)) {
                if (clicks === 3) {
                    throw new Error(`the button "${BUTTON.complete}" of ${name} does `
                        + `nothing after ${clicks} clicks`);
                }
                await button.click();
                clicks += 1;
                await settle(page, test);
            }
            return false;
        }, { allowed: ['confirmation-dialog'], timeout: BUTTON_TIMEOUT });
        await settle(page, test);
        done.push(name);
    }
    if (!done.length) {
        throw new Error(`${number} has no review step to complete`);
    }

    await form.openPage(PAGE.decision);
    const decisionNumber = `翁民许〔${new Date().getFullYear()}〕${number.slice(-4)}号`;
    await form.fill('decision_number', decisionNumber, '决定文号');
    await form.click(BUTTON.approve, `approve ${number}`,
        async () => (await form.state()) === STATE.approved);
    await form.openPage(PAGE.decision);
    await form.upload('decision_document', pdfFile('decision.pdf', 'signed decision'),
        '已签发决定书');
    await form.openPage(PAGE.exit);
    const resultNumber = `4402${number.slice(3)}`;
    await form.fill('result_number', resultNumber, '证照编号');
    await form.upload('result_file', pdfFile('result.pdf', 'result'), '结果文书');
    await form.save(`the result of ${number}`);
    await form.click(BUTTON.sendResult, `send the result of ${number} back`,
        async () => (await form.field('result_sent_date').inputValue()) !== '');
    await form.expectState(STATE.approved, `${number} once the result is sent back`);
    if (await pane.locator('button', { hasText: exactly(BUTTON.sendResult) }).isVisible()) {
        throw new Error(`the button ${BUTTON.sendResult} still shows once the result is sent`);
    }
    await page.screenshot({ path: artifact('promised_case_result_sent.png') });
    return { steps: done, decisionNumber, resultNumber };
}

// The clerk verifies the result and delivers it at the window
async function deliver(page, test, number, applicant) {
    await openMenu(page, test, CASE_MENU, CASE_MODEL, CLERK);
    await openDomainTab(page, test, TAB.exit);
    await openRow(page, test, number, `${number} in ${TAB.exit}`);
    const form = formOf(page, test);
    await form.expectState(STATE.approved, `${number} back at the window`);

    await form.openPage(PAGE.exit);
    await form.upload('result_scan', pdfFile('scan.pdf', 'scanned result'), '结果扫描件');
    await form.save(`the scan of the result of ${number}`);
    await form.click(BUTTON.verify, `verify the result of ${number}`,
        async () => (await form.state()) === STATE.ready);
    const pickup = await form.print(PICKUP_NOTICE, artifact('promised_case_pickup_notice.pdf'),
        [number, applicant.name], [DELIVERY_RECEIPT]);

    await form.openPage(PAGE.exit);
    await form.chooseOption('delivery_method', WINDOW_PICKUP, '送达方式');
    test.step = `choose the applicant ${applicant.name} as 领取人`;
    await chooseCompletion(page, test, form.field('collector'), applicant.id,
        exactly(applicant.name), '领取人');
    await form.save(`the delivery of ${number}`);
    // The clerk checks the resident ID of the collector against his card.
    await waitUntil(page, test, `the ID of the collector is not ${applicant.id}`,
        async () => (await form.field('collector_identifier').inputValue()) === applicant.id);
    await form.click(BUTTON.deliver, `deliver ${number}`,
        async () => (await form.state()) === STATE.delivered);
    await form.openPage(PAGE.exit);
    const deliveredOn = await form.field('delivery_date').inputValue();
    if (!deliveredOn) {
        throw new Error(`the delivered case ${number} shows no delivery date`);
    }
    await page.screenshot({ path: artifact('promised_case_delivered.png') });
    const receipt = await form.print(DELIVERY_RECEIPT,
        artifact('promised_case_delivery_receipt.pdf'), [number, applicant.name, applicant.id],
        [PICKUP_NOTICE]);
    return { pickup, receipt, deliveredOn };
}

// The case as the server has it, read by the clerk through the session of
// sao (the JSON-RPC the web client uses)
async function readCase(page, number) {
    const read = page.evaluate((n) => Sao.rpc({
        method: 'model.onewindow.case.search_read',
        params: [[['number', '=', n]], 0, 1, null,
            ['state', 'handover.state', 'decision', 'decided_by.rec_name',
                'verified_by.rec_name', 'delivered_by.rec_name',
                'collector.rec_name', 'delivery_method', 'delivery_date'], {}],
    }, Sao.Session.current_session).then((records) => records.map((r) => Object.assign(r, {
        delivery_date: r.delivery_date ? r.delivery_date.format('YYYY-MM-DD') : null,
    }))), number);
    const timeout = new Promise((resolve, reject) => setTimeout(
        () => reject(new Error('the server does not answer')), 60000));
    const [record] = await Promise.race([read, timeout]);
    return record;
}

async function main(clerkPage, test) {
    await login(clerkPage, test, CLERK, PASSWORD);
    const { number, applicant } = await registerAndAccept(clerkPage, test);
    const handover = await handOver(clerkPage, test, number);
    test.log(`${CLERK} handed ${number} over on the slip ${handover} (${HANDOVER_STATE.sent})`);

    const approverPage = await test.newPage();
    await login(approverPage, test, APPROVER, PASSWORD);
    const receivedBy = await receive(approverPage, test, handover, number);
    test.log(`${APPROVER} signed for ${handover} (${HANDOVER_STATE.received}, by ${receivedBy})`);
    const decision = await review(approverPage, test, number);
    test.log(`${APPROVER} completed ${decision.steps.join(', ')}, approved ${number} `
        + `(${decision.decisionNumber}) and sent the result ${decision.resultNumber} back`);

    await test.usePage(clerkPage);
    const exit = await deliver(clerkPage, test, number, applicant);

    test.step = `reload ${number} in the form`;
    const form = formOf(clerkPage, test);
    await form.pane.locator('button#reload').click();
    await settle(clerkPage, test);
    await form.expectState(STATE.delivered, `${number} reloaded`);

    test.step = `read ${number} from the server`;
    const record = await readCase(clerkPage, number);
    if (!record) {
        throw new Error(`the server has no case ${number}`);
    }
    const wrong = [];
    for (const [what, value, expected] of [
        ['state', record.state, 'delivered'],
        ['hand-over', (record['handover.'] || {}).state, 'received'],
        ['decision', record.decision, 'approved'],
        ['delivery', record.delivery_method, 'window'],
        ['collector', (record['collector.'] || {}).rec_name, applicant.name],
        ['delivery date', record.delivery_date, exit.deliveredOn],
    ]) {
        if (value !== expected) {
            wrong.push(`${what} ${JSON.stringify(value)}, not ${JSON.stringify(expected)}`);
        }
    }
    if (wrong.length) {
        throw new Error(`the server has ${number} with ${wrong.join('; ')}`);
    }
    test.log(`ok, ${number} is ${STATE.delivered} (${record.state}): decided by `
        + `${record['decided_by.'].rec_name}, verified by ${record['verified_by.'].rec_name}, `
        + `delivered by ${record['delivered_by.'].rec_name} to ${record['collector.'].rec_name} `
        + `on ${exit.deliveredOn}; ${exit.pickup}; ${exit.receipt}; screenshots `
        + ['handed_over', 'received', 'result_sent', 'delivered']
            .map((s) => relative(artifact(`promised_case_${s}.png`))).join(', '));
}

await browserTest(NAME, main);
