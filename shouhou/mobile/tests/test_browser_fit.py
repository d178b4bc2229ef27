"""Every phone page (/m/…) at 360×740: no sideways scrolling and touch targets of at least 44 px (issue 15).

The pages are enumerated from the mobile URLconf, so a page added later is walked without touching this
test: each route is filled with real ids (shouhou.mobile.testing declares which model each parameter is)
and opened as an engineer and as a manager (the approver of a pending approval, who may dispatch); a
route that answers GET with 405 is a POST-only action (accept, approve, read-all …) and has no page.

Exemptions from the 44 px rule, each one a control that is not a tap target of its own:
- a checkbox or radio inside a label (or a row) that is itself at least 44 px high — the row is the target;
- a link inside running text (a paragraph, hint or message), which is read, not aimed at;
- file inputs, which the browser hides behind a styled button (the button is measured).
Pages fetched by htmx into another page (the customer picker's results) are pieces, not pages: skipped.
The walk runs in Chinese and in English (longer words: placeholders and chips clip first there).
Headless Chromium; screenshots under test-artifacts/mobile-360-*.png.
"""

import base64

import pytest
from django.conf import settings as django_settings
from django.urls import URLPattern, reverse

import shouhou.mobile.testing  # noqa: F401 (declares the model behind each URL parameter)
from shouhou.browser_fixtures import shot
from shouhou.core.permissions import has_perm
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import DEMO_PASSWORD, make_company, make_team, make_user
from shouhou.core.testing.isolation import ROUTE_PARAMS
from shouhou.messaging.models import Notification
from shouhou.mobile import urls as mobile_urls
from shouhou.workorders.services import actions as order_actions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 360, 740
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
FILES = [{"name": "现场照片.png", "mimeType": "image/png", "buffer": PNG},
         {"name": "设备检测报告-2026年第四季度.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}]

MEASURE = """() => {
  const visible = el => {
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none'
      && !el.closest('dialog:not([open]), [hidden], template');
  };
  const exempt = el => {
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (type === 'hidden' || type === 'file') return true;
    if (type === 'checkbox' || type === 'radio') {
      const row = el.closest('label, .m-check, .m-person, .m-kept-item');
      return !!row && row.getBoundingClientRect().height >= 44;
    }
    if (el.tagName === 'A' && el.closest('p, .m-hint, .m-message, .m-pre, .m-timeline-note')) return true;
    return false;
  };
  const small = [];
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
    if (!visible(el) || exempt(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.height < 43.5) {
      small.push(`${el.tagName.toLowerCase()}.${(el.className || '').toString().trim().replace(/\\s+/g, '.')}`
                 + ` "${(el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 20)}"`
                 + ` ${Math.round(box.height)}px`);
    }
  }
  const overflowing = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > window.innerWidth + 1 && !el.closest('.m-steps, .m-seg')) {
      overflowing.push(`${el.tagName.toLowerCase()}.${(el.className || '').toString().trim().replace(/\\s+/g, '.')}`);
    }
  }
  const clipped = [];
  for (const el of document.querySelectorAll('input[placeholder]')) {
    if (!visible(el)) continue;
    const probe = document.createElement('span');
    const style = getComputedStyle(el);
    probe.style.cssText = `position:absolute;visibility:hidden;white-space:pre;font:${style.font}`;
    probe.textContent = el.placeholder;
    document.body.appendChild(probe);
    const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (!el.value && probe.getBoundingClientRect().width > room + 1) clipped.push(el.placeholder);
    probe.remove();
  }
  // a chip of a filter bar that does not scroll (all but the detail's sticky section tabs) is never cut off
  const cut = Array.from(document.querySelectorAll('.m-seg:not(.m-seg-sticky) .m-seg-item'))
    .filter(el => visible(el) && el.getBoundingClientRect().right > window.innerWidth + 0.5).map(el => el.innerText);
  return {fragment: !document.querySelector('.m-app'), scroll: document.scrollingElement.scrollWidth, small,
          overflowing: overflowing.slice(0, 5), clipped, cut};
}"""


def _world():
    tenant, owner = make_company()
    engineer = make_user(tenant, roles=("engineer",), name="工程师小王")
    manager = make_user(tenant, roles=("manager",), name="主管老李")
    make_team(tenant, name="维修一组", members=[engineer, manager])
    from shouhou.core.testing.factories import Factories
    from shouhou.customers.factories import CustomersFactory
    from shouhou.messaging.factories import MessagingFactory
    from shouhou.workorders.factories import WorkordersFactory

    with tenant_context(tenant):
        f = Factories(owner, {"workorders": WorkordersFactory, "customers": CustomersFactory,
                              "messaging": MessagingFactory})
        customer = f.customers.customer(name="上海百川贸易股份有限公司")
        order = f.workorders.assigned(assignee=engineer, customer=customer)
        order = order_actions.start(actor=engineer, order=order_actions.accept(actor=engineer, order=order))
        component = f.workorders.component(repeatable=True, name="更换配件记录", fields=[
            {"key": "part", "label": "配件名称", "kind": "text"}])
        entry = f.workorders.component_entry(order=order, component=component, values={"part": "主板"})
        approval = f.workorders.approval(manager, assignee=engineer, customer=customer)
        f.workorders.order_type(name="安装调试")  # two types: 新建工单 starts with the type picker
        for user in (engineer, manager):
            MessagingFactory(owner).notification(users=[user], title="您有新的工单", url=f"/m/orders/{order.pk}/")
        requisition = _parts_world(owner, engineer, manager)
        finished = _finished_with_fees(owner, engineer, customer)
    ids = {"finished order": finished.pk, "workorders.WorkOrder": order.pk, "workorders.AddonComponent": component.pk,
           "workorders.ComponentEntry": entry.pk, "workorders.Approval": approval.pk,
           "parts.StockRequest": requisition.pk}
    return tenant, {"engineer": engineer, "manager": manager}, ids, order


def _finished_with_fees(owner, engineer, customer):
    """The engineer's finished order of a type with 结算 on and a priced service item: the 结算, 回访 and 收款
    pages."""
    from shouhou.settlement.factories import SettlementFactory
    from shouhou.workorders.factories import WorkordersFactory

    settlement = SettlementFactory(owner)
    order = WorkordersFactory(owner).assigned(order_type=settlement.settling_type(), assignee=engineer,
                                              customer=customer)
    order = order_actions.start(actor=engineer, order=order_actions.accept(actor=engineer, order=order))
    return order_actions.complete(actor=engineer, order=order, content="更换主板，试机正常",
                                  service_items=[{"service_item_id": settlement.service_item().pk, "quantity": 1}])


def _parts_world(owner, engineer, manager):
    """备件: a warehouse the manager manages, parts (one serial-tracked) the engineer holds, a service item,
    and the engineer's pending requisition (the manager's approve/refuse sheets)."""
    from shouhou.parts import services as part_services
    from shouhou.parts.factories import PartsFactory

    parts = PartsFactory(owner)
    warehouse = parts.warehouse(name="华东区域备件中心仓库", kind="regional", managers=[manager])
    part = parts.part(name="变频空调室外机主控板（通用型）", number="BJ-PCB-000001", specification="KFR-72LW/BP3DN8Y",
                      unit="块", sale_price="1680.00")
    board = parts.part(name="压缩机", number="BJ-YSJ-01", serial_tracked=True, sale_price="2380.00")
    parts.stock(warehouse, part, "1250.5")
    parts.stock(warehouse, board, 3, serials=["YSJ-2026-0001", "YSJ-2026-0002", "YSJ-2026-0003"])
    part_services.allocate(actor=owner, warehouse_id=warehouse.pk, holder_id=engineer.pk,
                           lines=[{"part_id": part.pk, "quantity": "12.5"},
                                  {"part_id": board.pk, "quantity": 1, "serials": ["YSJ-2026-0001"]}])
    parts.service_item(name="上门检测（含远程诊断及故障报告）", number="FW-0001", category="检测", unit="次",
                       sale_price="80.00")
    return part_services.create_requisition(actor=engineer, warehouse_id=warehouse.pk, note="客户现场更换主板",
                                            lines=[{"part_id": part.pk, "quantity": "1000"},
                                                   {"part_id": board.pk, "quantity": 2}])


def _routes():
    """(name, parameter names) of every route of the phone's URLconf."""
    for pattern in mobile_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        yield pattern.name, list(pattern.pattern.converters)


# routes that answer only to a permission the walk's engineer does not have, by design
NEEDS_PERMISSION = {"dispatch_candidates": "workorder.assign", "settlement": "settlement.view",
                    "settle": "settlement.settle", "visits": "visit.view", "visit": "visit.view", "pay": "payment.view"}
# routes of a finished order (结算, 回访, 收款): filled with the world's finished order that has fees
FINISHED_ORDER_ROUTES = {"settle", "visit", "pay"}


def _urls(user, ids, order):
    """Every phone URL filled with ids the user may open, plus the pages one route shows in two states."""
    notification = Notification.objects.filter(user=user).order_by("-pk").first()
    urls = []
    for name, params in _routes():
        if name in ("login", "logout"):
            continue
        if name in NEEDS_PERMISSION and not has_perm(user, NEEDS_PERMISSION[name]):
            continue  # a fragment only for those who may use it (an engineer's 403 is right, not a dead end)
        models = ROUTE_PARAMS.get(f"mobile:{name}", {})
        assert set(params) <= set(models), f"declare the models of mobile:{name}'s parameters in mobile/testing.py"
        kwargs = {param: (notification.pk if models[param] == "messaging.Notification" else ids[models[param]])
                  for param in params}
        if name in FINISHED_ORDER_ROUTES:
            kwargs = {"pk": ids["finished order"]}
        query = f"?order_type={order.order_type_id}" if name == "dispatch_candidates" else ""  # for the type
        urls.append(reverse(f"mobile:{name}", kwargs=kwargs or None) + query)
    urls.append(reverse("mobile:create") + f"?type={order.order_type_id}")  # the form after the type picker
    urls.append(reverse("mobile:orders") + "?tab=in_progress&scope=all")
    urls.append(reverse("mobile:parts_requests") + "?state=all")  # the 备件 pages with their results
    urls.append(reverse("mobile:parts_lookup") + "?q=BJ")
    urls.append(reverse("mobile:parts_prices") + "?tab=parts")
    urls.append(reverse("mobile:parts_requisition") + "?q=BJ")
    return urls


def _merge(result, more, state):
    result["scroll"] = max(result["scroll"], more["scroll"])
    for key in ("small", "clipped", "cut"):
        result[key] += [f"{item} ({state})" for item in more[key] if not any(item in seen for seen in result[key])]


def _check(page, url, label):
    if page.request.get(url, max_redirects=0).status == 405:
        return None  # a POST-only action (its empty 405 is not a page)
    response = page.goto(url)
    assert response.status < 400, (label, url, response.status)
    page.wait_for_load_state("networkidle")
    result = page.evaluate(MEASURE)
    if result["fragment"]:
        return None  # a piece of a page fetched by htmx (the customer picker's results), measured in its page
    # the states a tap opens: each section tab of the detail, each bottom sheet (reasons, pickers)
    for index in range(page.locator("[data-m-tab]").count()):
        page.locator("[data-m-tab]").nth(index).click()
        _merge(result, page.evaluate(MEASURE), f"tab {index}")
    for index in range(page.locator("dialog").count()):
        page.evaluate(f"document.querySelectorAll('dialog')[{index}].showModal()")
        _merge(result, page.evaluate(MEASURE), f"dialog {index}")
        page.evaluate(f"document.querySelectorAll('dialog')[{index}].close()")
    for index in range(page.locator("input[type=file]").count()):  # chosen files add remove buttons
        chooser = page.locator("input[type=file]").nth(index)
        chooser.set_input_files([*FILES] if chooser.evaluate("el => el.multiple") else FILES[:1])
        _merge(result, page.evaluate(MEASURE), f"files {index}")
    slug = url.strip("/").replace("/", "-").replace("?", "-").replace("&", "-").replace("=", "") or "root"
    shot(page, f"mobile-360-{label}-{slug}")
    return result


def _walk(browser, live_server, user, label, urls, language):
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT},
                                  locale="zh-CN" if language == "zh-hans" else "en-US", base_url=live_server.url)
    # the product's language, then English (its longer words clip first; the tests' settings default to English)
    context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)
    problems, walked = {}, []
    try:
        if user is None:
            results = {"/m/login/": _check(page, "/m/login/", label)}
        else:
            page.goto("/m/login/")
            page.fill("#m-username", user.phone)
            page.fill("#m-password", DEMO_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(lambda url: "/m/login/" not in url)
            results = {url: _check(page, url, label) for url in urls}
    finally:
        context.close()
    for url, result in results.items():
        if result is None:
            continue
        walked.append(url)
        if result["scroll"] > WIDTH or result["small"] or result["clipped"] or result["cut"]:
            problems[url] = result
    return walked, problems


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_phone_page_fits_360_px_with_44_px_targets(browser, live_server, language):
    tenant, users, ids, order = _world()
    with tenant_context(tenant):
        walks = {label: _urls(user, ids, order) for label, user in users.items()}
    walked, problems = _walk(browser, live_server, None, f"signed-out-{language}", [], language)
    for label, user in users.items():
        pages, found = _walk(browser, live_server, user, f"{label}-{language}", walks[label], language)
        walked += pages
        problems.update({f"{label} {url}": result for url, result in found.items()})
    assert not problems, "\n".join(f"{url}: {result}" for url, result in problems.items())
    # the walk reached the pages that matter (so an empty walk cannot pass)
    with tenant_context(tenant):
        must = [reverse(f"mobile:{name}") for name in ("home", "orders", "create", "approvals", "notifications", "me")]
        must += [reverse(f"mobile:{name}", args=[order.pk]) for name in ("order_detail", "receipt", "transfer")]
        must += [reverse(f"mobile:{name}") for name in ("parts", "parts_requests", "parts_requisition", "parts_return",
                                                        "parts_lookup", "parts_prices", "parts_approvals")]
    assert set(must) <= {url.split("?")[0] for url in walked}, walked
