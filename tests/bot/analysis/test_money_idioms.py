"""Money as each stack's conventions handle it, and mishandle it: an amount held in binary
floating point (a money-named double, float64 or f64, Django's FloatField, float() or
parseFloat() of an amount), an exact decimal rounded to cents, rates between currencies in
camelCase, a VAT rate, the product's own paid edition (a license key, the edition checked, a free
plan's limit), the parameters of a provider's call that decide what is charged
(Braintree's transaction.sale and nonce, a capture method, a platform's application fee), and a
price, an amount or a fee written into the code as a number.

They were found by writing made-up diffs of each stack's idioms and running them through
`modeltier scan`, not by reading the corpus (the paid-edition, money-getter and price-literal
rows excepted: misses of the development folds, written again as made-up lines): each named row
was routine before. A row with no rule is a look-alike that must stay silent.
"""

from __future__ import annotations

import pytest

from policies.model import Policy
from tests.bot.analysis._rules import rules_found

FLOAT = "billing.float-money"
PROVIDERS = "billing.providers"
CONVERSION = "billing.money-conversion"
PAID = "billing.paid-edition"
OPS = "billing.money-operations"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        ("src/Services/Calc.cs", "        public double UnitCost { get; set; }", FLOAT),
        ("src/main/java/org/shop/Line.java", "    private double price;", FLOAT),
        ("internal/calc/line.go", '\tPrice float64 `json:"price"`', FLOAT),
        ("src/calc.rs", "    pub amount: f64,", FLOAT),
        ("app/models.py", "    price = models.FloatField()", FLOAT),
        ("app/calc.py", '    amount = float(request.POST["amount"])', FLOAT),
        ("src/lib/calc.js", "  const fee = parseFloat(body.fee);", FLOAT),
        ("app/calc.py", '    return value.quantize(Decimal("0.01"))', FLOAT),
        ("src/calc.rs", "    let total = Decimal::from_str(&raw)?.round_dp(2);", FLOAT),
        ("internal/calc/line.go", "\treturn d.RoundBank(2)", FLOAT),
        ("src/lib/pay.ts",
         "  await gateway.transaction.sale({ amount: '10.00', paymentMethodNonce: nonce });",
         PROVIDERS),
        ("src/lib/pay.ts", "  capture_method: 'manual',", PROVIDERS),
        ("src/lib/pay.ts", "  application_fee_amount: 123,", PROVIDERS),
        ("src/main/java/org/shop/wx/OrderService.java",
         '            return WxPayNotifyResponse.fail("expired");', PROVIDERS),
        ("src/lib/calc.ts", "  const rate = await getExchangeRate('EUR', 'USD');", CONVERSION),
        ("src/lib/calc.ts", "  const vatRate = 0.21;", CONVERSION),
        # the product's paid edition: a license key verified, the edition checked, a free plan's
        # limit
        ("src/Licensing/Manager.php", "        $this->verifyLicenseKey($key);", PAID),
        ("src/Http/routes.php", "if (config('api.enabled') && Shop::pro()) {", PAID),
        ("src/Http/Controllers/UsersController.php", "        $this->requirePro();", PAID),
        ("src/main/java/org/shop/Seats.java",
         "    public static final int MAX_NUMBER_OF_FREE_SEATS = 3;", PAID),
        ("enterprise/role/constants.py",
         "FREE_ROLE_UIDS = [VIEWER_ROLE_UID, NO_ACCESS_ROLE_UID]", PAID),
        ("app/plans.py", "    if account.plan in PAID_PLANS:", PAID),
        # ... and renewed before it expires
        ("cmd/license-update.go",
         '\tlicRenewURL = "https://subnet.example.com/api/cluster/renew-license"', PAID),
        ("cmd/license-update.go", "\t\t\tperformLicenseUpdate(ctx, objAPI)", PAID),
        ("src/Licensing/Manager.php", "        $expires = $this->licenseExpiresAt();", PAID),
        # an amount read through its getter and used in arithmetic (misses of the development
        # folds in PHP money code, written again as made-up lines)
        ("src/Order/Basket.php",
         "            $sum += $line->getPrice()->getCosts() * $line->getQuantity();", OPS),
        ("src/Form/CentsTransformer.php", "        return $money->getAmount() / 100;", OPS),
        ("src/main/java/org/shop/Line.java", "        long cents = line.getUnitPrice() * 100;", OPS),
        # look-alikes: a call chained on the getter, a comment after it, a count's total
        ("src/Catalog/Product.php", "        $label = $this->getPrice()->getLabel();", None),
        ("src/Catalog/Product.php", "        return $this->getPrice(); // shown in the list", None),
        ("src/lib/list.ts", "  const pages = getTotal() / pageSize;", None),
        # look-alikes: a product, a profile, a license shown in a component or named in a
        # translation, the project's own licence
        ("src/Catalog/Product.php", "        return $this->product();", None),
        ("app/profile.py", "    profile = request.user.profile", None),
        ("src/ui/Plan.tsx", "  const shown = props.licenseKey.slice(0, 4);", None),
        ("resources/lang/en/messages.php", "    'license_key_error' => 'Unable to read it.',",
         None),
        ("package.json", '  "license": "MIT",', None),
        ("scripts/headers.py", "    write_license_header(path)", None),
        ("app/memory.py", "FREE_MEMORY_MB = 512", None),
        # look-alikes: coordinates, ratios, a frame rate, a decimal to three places, a float
        # shown in a component
        ("src/lib/geo.ts", "  const lat = parseFloat(coords.lat);", None),
        ("src/main/java/org/shop/Geo.java", "    private double latitude;", None),
        ("internal/calc/stats.go", '\tRatio float64 `json:"ratio"`', None),
        ("app/calc.py", '    ratio = value.quantize(Decimal("0.001"))', None),
        ("src/lib/video.ts", "  const frameRate = 60;", None),
        ("src/ui/Price.tsx", "  const shown = parseFloat(props.price);", None),
    ],
)
def test_a_money_idiom_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (found == set()), found


@pytest.mark.parametrize(
    ("path", "line", "evidence"),
    [
        # a Rails view's label looked up by a symbol names a message, as a quoted key does
        ("app/views/leads/_form.html.haml", "      .label #{t :discount} (#{t :currency}):",
         False),
        ("app/views/orders/show.html.erb", "  <th><%= t(:refund_policy) %></th>", False),
        # look-alikes: the amount itself shown, a symbol given to a money helper
        ("app/views/leads/_form.html.haml", "      .label #{number_to_currency(@lead.discount)}",
         True),
        ("app/views/orders/show.html.erb", "  <td><%= format_amount(@order.refund, :currency) %></td>",
         True),
    ],
)
def test_a_translation_looked_up_by_a_symbol_is_copy(
    policy: Policy, path: str, line: str, evidence: bool
) -> None:
    assert bool(rules_found(path, line, policy)) is evidence
