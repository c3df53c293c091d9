// This file is part of onewindow.  The COPYRIGHT file at the top level of
// this repository contains the full copyright notices and license terms.
//
// Browser test of the online hall from the applicant's phone to the window:
//   node tests/browser/applicant_online.mjs URL DATABASE PAGES.json
// On a 375×812 touch screen an applicant registers with a new mobile number
// (the 6-digit code is the one the demo text message gateway keeps, read by
// the administrator), binds his real name, finds the matter of the demo by
// searching its name, opens its service guide, applies with the form and one
// upload per required material and gets the receipt (number and query
// code).  The window clerk, in the Tryton web client, finds the application
// in 服务大厅 → 办件 → 网上申请 and passes its pre-review (预审通过); when the
// applicant brings the originals (a visitor sees it 预审中 until then), the
// clerk opens the case registered by the
// pass in 服务大厅 → 办件 (its uploads are its electronic copies), receives the
// paper copies, checks the originals and accepts it (受理).  The applicant
// then sees his application passed and its case 已受理 under 我的办件, and a
// visitor without login finds it by its number and query code: the steps
// 已提交 → 预审中 → 已受理, the promised date and a masked name.  The fields are
// filled and the forms sent with the keyboard (Tab, typing, Enter), and
// every portal page on the way passes axe-core (no serious or critical
// violation at 375×812 and 1366×768) and does not scroll sideways.
import {
    DESKTOP, PHONE, assertPage, newFigures, portalPages, portalUrl, printFigures,
    smsCode, tabTo, typeInto,
} from './portal.mjs';
import {
    artifact, browserTest, CHECKED, checkOriginals, currentPane, currentViewType, editIntegerCell,
    exactly, linesOf, login, MATERIAL_COLUMNS, oneLine, openMenu, settle, waitUntil,
} from './lib.mjs';

const NAME = 'applicant_online';
const MOBILE = '13912340001';
const PASSWORD = 'online-applicant-1';
const PERSON = '欧阳晓明';
const CLERK = 'clerk';
const CLERK_PASSWORD = 'wengyuan-demo';
const PASSED = '预审通过';
const ACCEPT = '受理';
const CASES = '办件';
const ACCEPTED = '已受理';
const MATERIALS = '申请材料';
// The public steps of an application passed, its case waiting for the
// originals at the window, then accepted
const PASSED_STEPS = ['已提交', '预审中'];
const EXPECTED_STEPS = ['已提交', '预审中', ACCEPTED];
const PDF = Buffer.from('%PDF-1.4\n% a phone scan\n%%EOF\n');

// A valid resident ID of Wengyuan (440229) born on 1992-05-17
function residentId(sequence) {
    const body = `44022919920517${String(sequence).padStart(3, '0')}`;
    let sum = 0;
    for (let i = 0; i < 17; i++) {
        sum += Number(body[i]) * ((2 ** (17 - i)) % 11);
    }
    const check = (12 - (sum % 11)) % 11;
    return body + (check === 10 ? 'X' : String(check));
}

// The applicant comes to the window with his originals: the clerk opens the
// case of the passed application, receives the paper copies, checks the
// originals and accepts it (受理); return the number of the case
async function acceptCase(page, test) {
    test.step = 'open the cases';
    await openMenu(page, test, [CASES], 'onewindow.case', CLERK);
    let pane = currentPane(page);
    // The tab may have been opened with the menu before the case existed
    await pane.locator('button#reload').click();
    await settle(page, test);
    test.step = `open the case of ${PERSON}`;
    const row = pane.locator('table.tree tbody > tr', { hasText: PERSON }).first();
    await waitUntil(page, test, `the cases do not list ${PERSON}`, () => row.isVisible());
    // On the cell of the date: the cells of a many2one are links
    await row.locator('td[data-title^="申请日期"]').first().dblclick();
    await waitUntil(page, test, 'the case does not open',
        async () => (await currentViewType(page)) === 'form');
    await settle(page, test);
    pane = currentPane(page);
    test.step = 'open the materials of the case';
    await pane.locator('.nav-tabs a', { hasText: exactly(MATERIALS) }).first().click();
    await settle(page, test);
    const lines = await linesOf(pane, 'materials', MATERIAL_COLUMNS);
    const { rows, cell, text } = lines;
    const count = await rows.count();
    const checklist = [];
    for (let i = 0; i < count; i++) {
        checklist.push({
            name: await text(rows.nth(i), 'name'),
            paper: Number(await text(rows.nth(i), 'paperExpected')),
            electronic: Number(await text(rows.nth(i), 'electronic')),
        });
    }
    if (!checklist.some((m) => m.electronic)) {
        throw new Error('the case of the passed application has no electronic copy received: '
            + checklist.map((m) => `${m.name} ${m.electronic}`).join(', '));
    }
    // The originals of what was uploaded (a material "if applicable" that
    // the applicant did not upload does not apply)
    for (const [i, material] of checklist.entries()) {
        if (material.paper && material.electronic) {
            test.step = `receive ${material.paper} paper copies of ${material.name}`;
            await editIntegerCell(page, test, cell(rows.nth(i), 'paper'), material.paper,
                `${MATERIAL_COLUMNS.paper} of ${material.name}`);
        }
    }
    test.step = 'save the paper copies received';
    await pane.locator('button#save').click();
    await waitUntil(page, test, 'the case is not saved', () => page.evaluate(() => {
        const record = Sao.Tab.tabs.get_current().screen.current_record;
        return record && !record.modified;
    }));
    await checkOriginals(page, test, lines, checklist, CHECKED);
    test.step = `click ${ACCEPT}`;
    const number = pane.locator('input[name="number"]:not(.form-dict *)').first();
    await pane.locator('button', { hasText: exactly(ACCEPT) }).filter({ visible: true })
        .first().click();
    let confirmed = false;
    await waitUntil(page, test, 'the case gets no number', async () => {
        const confirm = page.locator('.modal.confirmation-dialog:visible .btn-primary');
        if (!confirmed && await confirm.count()) {
            await confirm.first().click();
            confirmed = true;
            return false;
        }
        return /^WY-/.test(await number.inputValue());
    }, { allowed: ['confirmation-dialog'], timeout: 90000 });
    await settle(page, test);
    return number.inputValue();
}

// A visitor looks the application up from the menu of the portal: the
// public steps are expected, the name is masked
async function lookUp(visitor, test, figures, number, queryCode, expected, name) {
    await visitor.goto(portalUrl(test));
    await visitor.locator('header a', { hasText: '进度查询' }).tap();
    await visitor.waitForURL(/\/portal\/lookup$/);
    await typeInto(visitor, '#number', number, 'the number');
    await typeInto(visitor, '#code', queryCode, 'the query code');
    await submitByEnter(visitor);
    const answer = await mainText(visitor);
    const steps = (await visitor.locator('ol.timeline li').allInnerTexts())
        .map((t) => oneLine(t).split(' · ')[0]);
    if (!answer.includes(number) || answer.includes(PERSON)
            || !answer.includes(`${PERSON[0]}*`)
            || steps.join(' → ') !== expected.join(' → ')) {
        throw new Error(`the lookup of ${number} answers (steps "${steps.join(' → ')}", `
            + `not "${expected.join(' → ')}", or not the masked name): ${answer}`);
    }
    await assertPage(visitor, test, figures, name);
    test.log(`the visitor sees: ${answer.slice(0, 200)}`);
}

async function submitByEnter(page) {
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
}

async function mainText(page) {
    return oneLine(await page.locator('main').innerText());
}

browserTest(NAME, async (firstPage, test) => {
    const data = portalPages();
    const figures = newFigures();
    const phone = await test.newPage({ viewport: PHONE, hasTouch: true });
    await test.usePage(phone);

    test.step = 'open the portal on the phone';
    await phone.goto(portalUrl(test));
    await assertPage(phone, test, figures, 'home');
    await phone.locator('header a', { hasText: '注册' }).tap();
    await phone.waitForURL(/\/portal\/register$/);

    test.step = 'ask for a verification code';
    await typeInto(phone, '#mobile', MOBILE, 'the mobile number');
    await submitByEnter(phone);
    if (!(await mainText(phone)).includes('验证码')) {
        throw new Error(`no word of the code: ${await mainText(phone)}`);
    }
    await assertPage(phone, test, figures, 'register, code sent');

    test.step = 'read the code in the demo text message gateway';
    const code = await smsCode(test, MOBILE);

    test.step = 'register with the code';
    await typeInto(phone, '#code', code, 'the verification code');
    await typeInto(phone, '#password', PASSWORD, 'the password');
    await typeInto(phone, '#confirm', PASSWORD, 'the password again');
    await submitByEnter(phone);
    if (!/\/portal\/identity$/.test(phone.url())) {
        throw new Error(`the registration did not lead to the real name page: `
            + `${phone.url()}: ${await mainText(phone)}`);
    }
    await assertPage(phone, test, figures, 'identity');

    test.step = 'bind the real name';
    await typeInto(phone, '#name', PERSON, 'the name');
    await typeInto(phone, '#resident_id', residentId(37), 'the resident ID');
    await submitByEnter(phone);
    await phone.goto(portalUrl(test, 'identity'));
    if (!(await mainText(phone)).includes(PERSON[0] + '*')) {
        throw new Error(`the account is not bound: ${await mainText(phone)}`);
    }

    test.step = 'find the matter by its name';
    await phone.goto(portalUrl(test));
    const matter = await (async () => {
        const response = await phone.request.get(portalUrl(test, `matter/${data.matter}`));
        const html = await response.text();
        return /<h1[^>]*>([^<]+)</.exec(html)[1].trim();
    })();
    await typeInto(phone, '#q', matter, 'the search field');
    await submitByEnter(phone);
    await assertPage(phone, test, figures, 'home, search results');
    const link = phone.locator('ul.matters a', { hasText: matter }).first();
    if (!(await link.count())) {
        throw new Error(`searching "${matter}" does not list it: ${await mainText(phone)}`);
    }
    await link.tap();
    await phone.waitForURL(new RegExp(`/portal/matter/${data.matter}$`));
    await assertPage(phone, test, figures, 'service guide');

    test.step = 'start the application';
    await phone.locator('a.button', { hasText: '网上申请' }).first().tap();
    await phone.waitForURL(/\/portal\/apply\/\d+$/);
    await assertPage(phone, test, figures, 'apply');
    await tabTo(phone, 'main form button[type=submit]', 'the start button');
    await submitByEnter(phone);
    if (!/\/portal\/application\/\d+$/.test(phone.url())) {
        throw new Error(`no application form: ${phone.url()}: ${await mainText(phone)}`);
    }
    await assertPage(phone, test, figures, 'application form');

    test.step = 'fill the application form';
    const fields = await phone.locator('main form [name^="field_"]').evaluateAll(
        (elements) => elements.map((e) => ({
            id: e.id, tag: e.tagName.toLowerCase(), type: e.type, required: e.required,
            label: e.labels && e.labels[0] ? e.labels[0].textContent : '',
            empty: e.type === 'checkbox' ? !e.checked : !e.value,
        })));
    for (const field of fields) {
        if (!field.required || !field.empty) {
            continue;
        }
        const selector = `#${field.id}`;
        if (field.tag === 'select') {
            await tabTo(phone, selector, field.id);
            await phone.keyboard.press('ArrowDown');
        } else if (field.type === 'date') {
            await tabTo(phone, selector, field.id);
            await phone.keyboard.type('2026-01-15');
        } else if (field.type === 'number') {
            await typeInto(phone, selector, '1', field.id);
        } else if (field.label.includes('身份号码')) {
            await typeInto(phone, selector, residentId(37), field.id);
        } else {
            await typeInto(phone, selector, '网上申请测试', field.id);
        }
    }
    test.step = 'upload the required materials';
    const required = phone.locator('main form fieldset', { hasText: '必交' });
    const uploads = await required.locator('input[type=file]').count();
    if (!uploads) {
        throw new Error('the matter asks for no required material to upload');
    }
    for (let i = 0; i < uploads; i++) {
        await required.locator('input[type=file]').nth(i).setInputFiles({
            name: `scan-${i + 1}.pdf`, mimeType: 'application/pdf', buffer: PDF,
        });
    }
    test.step = 'submit the application';
    await tabTo(phone, 'main form button[value=submit]', 'the submit button');
    await submitByEnter(phone);
    const receipt = phone.locator('section.receipt dd.code');
    if ((await receipt.count()) !== 2) {
        throw new Error(`the application is not submitted: ${await mainText(phone)}`);
    }
    const [number, queryCode] = (await receipt.allInnerTexts()).map((t) => t.trim());
    test.log(`submitted ${number}`);
    await assertPage(phone, test, figures, 'submitted');
    await phone.screenshot({ path: artifact('applicant_online_receipt.png'), fullPage: true });

    test.step = 'log in to the web client as the clerk';
    const desk = await test.newPage({ viewport: DESKTOP });
    await test.usePage(desk);
    await login(desk, test, CLERK, CLERK_PASSWORD);
    await openMenu(desk, test, ['服务大厅', '办件', '网上申请'], 'onewindow.application', CLERK);
    test.step = `open ${number} in the list of the applications to pre-review`;
    const pane = currentPane(desk);
    const row = pane.locator('tr', { hasText: number }).first();
    await waitUntil(desk, test, `${number} is not in the list`, () => row.isVisible());
    // The number's cell: another may be a link to the matter
    await row.locator('td', { hasText: number }).first().dblclick();
    await waitUntil(desk, test, `${number} does not open`,
        async () => (await currentViewType(desk)) === 'form');
    await settle(desk, test);
    test.step = `pass ${number}`;
    const button = pane.locator('button', { hasText: PASSED }).first();
    await waitUntil(desk, test, 'no pass button', () => button.isVisible());
    await button.click();
    await waitUntil(desk, test, `${number} is not passed`, async () => {
        // Confirm when sao asks
        const confirm = desk.locator('.modal.confirmation-dialog:visible .btn-primary');
        if (await confirm.count()) {
            // It may fade away under the click
            await confirm.first().click({ timeout: 2000 }).catch(() => {});
        }
        return desk.evaluate(() => {
            const record = Sao.Tab.tabs.get_current().screen.current_record;
            return record && record.field_get_client('state') === 'passed'
                && record.field_get_client('case');
        });
    }, { allowed: ['confirmation-dialog'] });
    await settle(desk, test);
    await desk.screenshot({ path: artifact('applicant_online_passed.png') });

    test.step = 'a visitor follows the passed application';
    const visitor = await test.newPage({ viewport: PHONE, hasTouch: true });
    await test.usePage(visitor);
    await lookUp(visitor, test, figures, number, queryCode, PASSED_STEPS, 'lookup answer, passed');

    await test.usePage(desk);
    const caseNumber = await acceptCase(desk, test);
    test.log(`${CLERK} accepted the case ${caseNumber} of ${number}`);

    test.step = 'the applicant sees his application passed';
    await test.usePage(phone);
    await phone.goto(portalUrl(test, 'my'));
    const item = phone.locator('ul.matters li', { hasText: number });
    const itemText = oneLine(await item.innerText());
    if (!itemText.includes(PASSED) || !itemText.includes(caseNumber)
            || !itemText.includes(ACCEPTED)) {
        throw new Error(`my applications show ${number} as: ${itemText}`);
    }
    await assertPage(phone, test, figures, 'my applications');

    test.step = 'a visitor finds it by number and query code';
    await lookUp(visitor, test, figures, number, queryCode, EXPECTED_STEPS, 'lookup answer, accepted');
    printFigures(test, figures);
});
