// This file is part of onewindow.  The COPYRIGHT file at the top level of
// this repository contains the full copyright notices and license terms.
//
// Browser test of the web client (sao) as the window clerk of the demo:
//   node tests/browser/clerk_accepts_case.mjs URL DATABASE
// The clerk opens 服务大厅 → 办件, registers a new case of 失业登记 (a
// matter of 县人社局 delegated to the comprehensive window) for a natural
// person of the demo with a resident ID, fills the contact phone and the
// application form, saves, receives the materials of the checklist, checks
// the identity card against its original ("经与原件核对无误"), accepts the
// case (受理) and prints the acceptance notice (受理通知书) from the print
// menu, whose one entry 打印文书 offers that notice alone for the accepted
// case.  It checks what the clerk sees at each step: the case gets its
// number WY-<year><number> and the state 已受理, and the notice is a PDF
// that names the case.
//
// Screenshots go to tests/artifacts/ (clerk_case_registered.png,
// clerk_case_accepted.png, clerk_case_print.png: the wizard of the print
// menu) with the notice (clerk_case_acceptance_notice.pdf).
// Exits non-zero with a message (and a screenshot of the page) on any failure.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';

import {
    artifact, browserTest, CHECKED, checkOriginals, chooseCompletion, currentPane,
    currentViewType, editIntegerCell, exactly, expectedMaterials, findApplicant,
    linesOf, login, MATERIAL_COLUMNS, openMenu, PRINT_DOCUMENTS, printDocument,
    relative, selectedText, settle, waitUntil,
} from './lib.mjs';

const NAME = 'clerk_accepts_case';
const LOGIN = 'clerk';
const PASSWORD = 'wengyuan-demo';
const MENU = ['服务大厅', '办件'];
const MODEL = 'onewindow.case';
const MATTER = '失业登记';
const DEPARTMENT = '翁源县人力资源和社会保障局';
const PHONE = '13902291234';
const DRAFT = '草稿';
const ACCEPTED = '已受理';
const NATURAL_PERSON = '自然人';
const ACCEPT = '受理';
const COMPLETE = '齐全';
const NOTICE = '受理通知书';
const REGISTERED_SCREENSHOT = artifact('clerk_case_registered.png');
const ACCEPTED_SCREENSHOT = artifact('clerk_case_accepted.png');
const NOTICE_FILE = artifact('clerk_case_acceptance_notice.pdf');
const PRINT_SCREENSHOT = artifact('clerk_case_print.png');
// LibreOffice converts the notice to PDF: its first start is slow.
const REPORT_TIMEOUT = 120000;

async function main(page, test) {
    await login(page, test, LOGIN, PASSWORD);
    await openMenu(page, test, MENU, MODEL, LOGIN);
    const pane = currentPane(page);
    // The fields of the case, not the entries of its application form
    const field = (name) => pane.locator(
        `input[name="${name}"]:not(.form-dict *)`).first();
    const state = pane.locator('select[name="state"]').first();

    test.step = 'open a new case';
    await waitUntil(page, test, 'the list of cases does not show',
        async () => (await currentViewType(page)) === 'tree');
    await pane.locator('button#new_').click();
    await waitUntil(page, test, 'the case form does not open',
        async () => (await currentViewType(page)) === 'form'
            && (await state.isVisible()));
    await waitUntil(page, test, `the new case is not in the state "${DRAFT}"`,
        async () => (await selectedText(state)) === DRAFT);
    await settle(page, test);
    await waitUntil(page, test, 'the new case has no window (the clerk of the '
        + 'comprehensive window gets it by default)',
        async () => (await field('window').inputValue()) !== '');

    test.step = `choose the matter ${MATTER}`;
    await chooseCompletion(page, test, field('matter'), MATTER, MATTER,
        'the matter');
    const matter = await field('matter').inputValue();
    await waitUntil(page, test,
        `the department of the matter "${matter}" does not show`,
        async () => (await field('department').inputValue()) === DEPARTMENT);

    test.step = 'choose the applicant';
    const applicant = await findApplicant(page);
    test.step = `choose the applicant ${applicant.name} by the resident ID ${applicant.id}`;
    await chooseCompletion(page, test, field('applicant'), applicant.id,
        exactly(applicant.name), 'the applicant');
    await waitUntil(page, test, `the applicant kind is not "${NATURAL_PERSON}"`,
        async () => (await selectedText(pane.locator('select[name="applicant_kind"]').first()))
            === NATURAL_PERSON);

    test.step = 'fill the contact phone';
    const phone = field('phone');
    await phone.fill(PHONE);
    await phone.press('Tab');
    await settle(page, test);

    test.step = 'fill the application form';
    const form = pane.locator('.form-dict');
    // The required fields of the form of the matter
    const answers = [
        ['申请人姓名', 'applicant_name', applicant.name],
        ['公民身份号码', 'id_number', applicant.id],
        ['联系电话', 'phone', PHONE],
    ];
    for (const [label, key, value] of answers) {
        test.step = `fill "${label}" in the application form`;
        await chooseCompletion(page, test, form.locator('input[name="form_data"]'),
            label, exactly(label), `the field "${label}" of the application form`);
        const entry = form.locator(`.form-dict-container input[name="${key}"]`);
        await entry.waitFor({ state: 'visible' });
        await entry.fill(value);
        await entry.press('Tab');
        await settle(page, test);
    }

    // The lines of the checklist can be received once the case is saved.
    test.step = 'save the case';
    await pane.locator('button#save').click();
    await waitUntil(page, test, 'the case is not saved', () => page.evaluate(() => {
        const record = Sao.Tab.tabs.get_current().screen.current_record;
        return record && record.id >= 0 && !record.modified;
    }));
    await waitUntil(page, test,
        `the applicant ID does not show "${applicant.id}" once saved`,
        async () => (await field('applicant_identifier').inputValue()) === applicant.id);
    const savedPhone = await field('phone').inputValue();
    if (savedPhone !== PHONE) {
        throw new Error(`the saved case shows the phone "${savedPhone}", not "${PHONE}"`);
    }

    test.step = 'open the materials';
    await pane.locator('.nav-tabs a', { hasText: exactly('申请材料') }).click();
    const lines = await linesOf(pane, 'materials', MATERIAL_COLUMNS);
    const { widget: materials, rows, cell, text } = lines;
    const checklist = await expectedMaterials(lines);
    const count = checklist.length;
    test.log(`${matter}: ${checklist.map((m) => `${m.name} (纸质 ${m.paper}, 电子 `
        + `${m.electronic})`).join(', ')}`);

    for (const [i, material] of checklist.entries()) {
        const row = rows.nth(i);
        for (const column of ['paper', 'electronic']) {
            if (!material[column]) {
                continue;
            }
            test.step = `receive ${material[column]} ${MATERIAL_COLUMNS[column]} of ${material.name}`;
            await editIntegerCell(page, test, cell(row, column), material[column],
                `${MATERIAL_COLUMNS[column]} of ${material.name}`);
        }
    }
    test.step = 'save the materials received';
    await pane.locator('button#save').click();
    await waitUntil(page, test, 'the materials received are not saved',
        () => page.evaluate(() => {
            const record = Sao.Tab.tabs.get_current().screen.current_record;
            return record && !record.modified;
        }));

    for (const i of await checkOriginals(page, test, lines, checklist, CHECKED)) {
        const material = checklist[i];
        await waitUntil(page, test, `${material.name} does not show "${CHECKED}"`,
            async () => (await text(rows.nth(i), 'check')) === CHECKED);
        material.checked = true;
    }
    if (!checklist.some((m) => m.checked)) {
        throw new Error(`no material of ${matter} has the button "${CHECKED}": `
            + 'its checklist asks to check the identity card against its original');
    }
    test.step = 'read the status of the materials';
    const statuses = [];
    for (let i = 0; i < count; i++) {
        statuses.push([checklist[i].name, await text(rows.nth(i), 'status')]);
    }
    const incomplete = statuses.filter(([, status]) => status !== COMPLETE);
    if (incomplete.length) {
        throw new Error(`materials not "${COMPLETE}": `
            + incomplete.map(([name, status]) => `${name}: ${status}`).join(', '));
    }
    // Show the lines from their names
    const scrollLeft = () => materials.locator('.treeview')
        .evaluateAll((views) => views.forEach((view) => { view.scrollLeft = 0; }));
    await scrollLeft();
    await page.screenshot({ path: REGISTERED_SCREENSHOT });

    test.step = `click ${ACCEPT}`;
    const number = field('number');
    await pane.locator('button', { hasText: exactly(ACCEPT) }).click();
    await waitUntil(page, test, 'the case gets no number', async () => {
        // Confirm when sao asks
        const confirm = page.locator('.modal.confirmation-dialog:visible .btn-primary');
        if (await confirm.count()) {
            await confirm.first().click();
        }
        return /^WY-/.test(await number.inputValue());
    }, { allowed: ['confirmation-dialog'] });
    await settle(page, test);

    test.step = 'check the accepted case';
    const caseNumber = await number.inputValue();
    const year = (await field('application_date').inputValue()).slice(0, 4);
    if (!new RegExp(`^WY-${year}\\d{6}$`).test(caseNumber)) {
        throw new Error(`the case number "${caseNumber}" is not WY-${year} `
            + 'and six digits');
    }
    const accepted = await selectedText(state);
    if (accepted !== ACCEPTED) {
        throw new Error(`the case ${caseNumber} is in the state "${accepted}", `
            + `not "${ACCEPTED}"`);
    }
    if (await pane.locator('button', { hasText: exactly(ACCEPT) }).isVisible()) {
        throw new Error(`the button "${ACCEPT}" still shows on the accepted case`);
    }
    // The number, the state and the materials received
    await scrollLeft();
    await page.screenshot({ path: ACCEPTED_SCREENSHOT });

    test.step = 'read the acceptance of the case';
    await pane.locator('.nav-tabs a', { hasText: exactly('受理') }).click();
    const acceptedBy = field('accepted_by');
    await acceptedBy.waitFor({ state: 'visible' });
    const acceptance = {
        by: await acceptedBy.inputValue(),
        date: await field('acceptance_date').inputValue(),
        deadline: await field('deadline').inputValue(),
    };
    for (const [what, value] of [['受理人', acceptance.by], ['受理日期', acceptance.date],
        ['办结期限', acceptance.deadline]]) {
        if (!value) {
            throw new Error(`the accepted case ${caseNumber} shows no ${what}`);
        }
    }

    // The print menu offers the documents of the state of the case: an
    // accepted case without fee has its acceptance notice only.
    const { offered, download: file } = await printDocument(page, test, pane, NOTICE,
        REPORT_TIMEOUT, PRINT_SCREENSHOT);
    if (offered.length !== 1) {
        throw new Error(`"${PRINT_DOCUMENTS}" offers for the accepted case ${caseNumber}: `
            + `${offered.join(', ')}; only the ${NOTICE} is expected`);
    }
    await file.saveAs(NOTICE_FILE);
    const content = fs.readFileSync(NOTICE_FILE);
    if (content.length < 1000 || content.subarray(0, 5).toString() !== '%PDF-') {
        throw new Error(`the ${NOTICE} "${file.suggestedFilename()}" is not a PDF `
            + `(${content.length} bytes)`);
    }
    if (!file.suggestedFilename().includes(caseNumber)) {
        throw new Error(`the ${NOTICE} is named "${file.suggestedFilename()}", `
            + `without the case number ${caseNumber}`);
    }
    let words = 'its text was not read (no pdftotext)';
    try {
        const pdfText = execFileSync('pdftotext', ['-enc', 'UTF-8', NOTICE_FILE, '-'],
            { encoding: 'utf8' }).replace(/\s+/g, '');
        const missing = [NOTICE, caseNumber, applicant.name, applicant.id]
            .filter((word) => !pdfText.includes(word));
        if (missing.length) {
            throw new Error(`the ${NOTICE} does not show: ${missing.join(', ')}`);
        }
        words = `it shows ${NOTICE}, ${caseNumber}, ${applicant.name} and ${applicant.id}`;
    } catch (error) {
        if (error.code !== 'ENOENT') {
            throw error;
        }
    }

    test.log(`ok, ${LOGIN} accepted the case ${caseNumber} (${matter}, ${applicant.name}) `
        + `on ${acceptance.date} by ${acceptance.by}, deadline ${acceptance.deadline}; `
        + `${PRINT_DOCUMENTS} offered ${offered.join(', ')}; `
        + `${NOTICE} ${file.suggestedFilename()} (${content.length} bytes): ${words}; `
        + `screenshots ${relative(REGISTERED_SCREENSHOT)}, ${relative(ACCEPTED_SCREENSHOT)}, `
        + `${relative(PRINT_SCREENSHOT)}`);
}

await browserTest(NAME, main);
