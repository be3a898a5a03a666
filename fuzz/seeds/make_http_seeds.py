#!/usr/bin/env python3
"""Writes the seed corpora of the HTTP fuzz targets (bp_request, bp_webhook, gp_request) into
fuzz/corpus/<target>/: one file per request sequence, in the format fuzz/src/lib.rs reads."""

import json
import os
import sys

SEPARATOR = b"\x1e"
API = "/public-api/sandbox"


def request(method, target, body=None):
    text = body if isinstance(body, str) else ("" if body is None else json.dumps(body))
    return f"{method} {target}\n{text}".encode()


def sequence(*requests):
    return SEPARATOR.join(requests)


ORDER = {"orderTypeCode": "SO", "reference": "#1", "parties": {"customer": {"contactId": 200}},
         "placedOn": "2024-01-02T10:00:00.000+00:00", "currency": {"orderCurrencyCode": "USD"}}
ROW = {"productId": 1007, "quantity": {"magnitude": 2}, "rowValue": {"taxCode": "T", "rowNet": {"value": 100}}}
SALES_ORDER = {"customer": {"id": 204}, "ref": "WEB-1", "externalRef": "shop-991", "installedIntegrationInstanceId": 13,
               "rows": [{"productId": 1003, "quantity": 2, "taxCode": "T", "net": 20, "tax": 2}]}
CONTACT = {"firstName": "Ann", "lastName": "Lee", "postAddressIds": {"DEF": 1},
           "communication": {"emails": {"PRI": {"email": "ann@example.com"}}},
           "financialDetails": {"priceListId": 2, "taxCode": {"code": "T"}, "creditTermDays": 30},
           "relationshipToAccount": {"isSupplier": False}}
ADDRESS = {"addressLine1": "1 High St", "postalCode": "AB1 2CD", "countryIsoCode": "GBR"}
PRODUCT = {"brandId": 1, "productTypeId": 1, "identity": {"sku": "SKU-1", "barcode": "5012345678900"},
           "stock": {"stockTracked": True}, "salesChannels": [{"salesChannelName": "Brightpearl", "productName": "Mug",
                                                               "categories": [{"categoryCode": "276"}]}]}
PAYMENT = {"transactionRef": "T-1", "paymentMethodCode": "CARD", "paymentType": "RECEIPT", "orderId": 1,
           "amountPaid": 1.5, "paymentDate": "2024-01-01", "currencyIsoCode": "USD"}
JOURNAL = {"journalTypeCode": "GJ", "taxDate": "2024-01-01",
           "debits": [{"nominalCode": "1000", "value": 10}], "credits": [{"nominalCode": "4000", "value": 10}]}
PATCH = [{"op": "replace", "path": "/reference", "value": "CHANGED"}]
GOODS_OUT = {"warehouses": [{"warehouseId": 2, "products": [{"productId": 1010, "salesOrderRowId": 1, "quantity": 3}]}]}
WEBHOOK = {"subscribeTo": "product", "httpMethod": "POST", "uriTemplate": "http://127.0.0.1:9/${resource-id}",
           "contentType": "application/json", "idSetAccepted": True, "qualityOfService": 1,
           "bodyTemplate": "${account-code} ${resource-type} ${lifecycle-event} ${full-event} ${raised-on}"}


def bp_request():
    o, c, p, w, a = (f"{API}/order-service", f"{API}/contact-service", f"{API}/product-service",
                     f"{API}/warehouse-service", f"{API}/accounting-service")
    return [
        request("GET", f"{o}/order/1-5,8,10?includeOptional=customFields"),
        request("OPTIONS", f"{o}/order/1-1000"),
        request("OPTIONS", f"{o}/sales-order/1-20"),
        sequence(request("POST", f"{o}/order", ORDER), request("POST", f"{o}/order/13/row", ROW),
                 request("PATCH", f"{o}/order/13/row/1", [{"op": "replace", "path": "/rowValue/rowNet/value", "value": 200}]),
                 request("DELETE", f"{o}/order/13/row/1")),
        request("POST", f"{o}/sales-order", SALES_ORDER),
        request("POST", f"{o}/sales-order/1/close", {"taxDate": "2024-01-05"}),
        request("PATCH", f"{o}/order/1", PATCH),
        request("PUT", f"{o}/order/1/status", {"orderStatusId": 2}),
        request("GET", f"{o}/order/1/custom-field"),
        request("PATCH", f"{o}/order/1/custom-field", [{"op": "add", "path": "/PCF_GIFT", "value": True}]),
        request("GET", f"{o}/sale/custom-field-meta-data/1-3"),
        request("GET", f"{o}/order-status"),
        request("POST", f"{o}/order-status", {"name": "Held", "orderTypeCode": "SO"}),
        request("GET", f"{o}/order-shipping-status/1-3"),
        request("GET", f"{o}/order-search?orderStatusId=1&createdOn=2020-01-01T00:00:00Z/2030-01-01&sort=orderId.DESC&firstResult=2&pageSize=5&columns=orderId,contactId"),
        request("GET", f"{o}/order-search?orderId=1-5,9&updatedOn=2024-01-02&customerRef=%231&sort=createdOn|ASC"),
        request("GET", f"{c}/contact?firstResult=3&pageSize=2&sort=contactId.DESC"),
        request("GET", f"{c}/contact/200-210"),
        request("OPTIONS", f"{c}/contact/1-500"),
        request("POST", f"{c}/contact", CONTACT),
        request("PATCH", f"{c}/contact/200", [{"op": "replace", "path": "/firstName", "value": "Bo"}]),
        request("GET", f"{c}/contact/200/custom-field"),
        request("PATCH", f"{c}/contact/200/custom-field", [{"op": "add", "path": "/PCF_VIP", "value": "yes"}]),
        sequence(request("POST", f"{c}/postal-address", ADDRESS), request("GET", f"{c}/postal-address/1-3")),
        request("GET", f"{c}/contact-search?primaryEmail=example&isSupplier=false&createdOn=/2030-01-01T10:00:00.000-06:00&sort=lastName"),
        request("GET", f"{p}/product/1001-1010"),
        request("OPTIONS", f"{p}/product/1-2000"),
        request("POST", f"{p}/product", PRODUCT),
        request("PUT", f"{p}/product/1001", PRODUCT),
        request("GET", f"{p}/product-search?SKU=SKU-1&stockTracked=true&brandId=1-3&sort=productName.ASC"),
        request("GET", f"{p}/product-price/1001-1005/price-list/1,2"),
        request("OPTIONS", f"{p}/product-price/1000-1100"),
        request("PUT", f"{p}/product-price/1001/price-list",
                {"priceLists": [{"priceListId": 1, "quantityPrice": {"1": "9.99"}}]}),
        request("GET", f"{p}/brand/1-3"),
        request("GET", f"{p}/brightpearl-category"),
        request("GET", f"{p}/price-list/1,2"),
        request("GET", f"{w}/product-availability/1001-1003"),
        request("GET", f"{w}/warehouse"),
        request("POST", f"{w}/warehouse/2/stock-correction",
                {"corrections": [{"quantity": 5, "productId": 1001, "reason": "count", "locationId": 2}]}),
        request("GET", f"{w}/warehouse/2/stock-correction/1-3"),
        sequence(request("POST", f"{w}/order/1/goods-note/goods-out", GOODS_OUT),
                 request("PUT", f"{w}/goods-note/goods-out/1", {"priority": True, "shipping": {"reference": "TRK1", "boxes": 1}}),
                 request("POST", f"{w}/goods-note/goods-out/1/event",
                         {"events": [{"eventCode": "SHW", "occured": "2024-01-01T10:00:00Z", "eventOwnerId": 4}]}),
                 request("GET", f"{w}/order/1/goods-note/goods-out/1")),
        request("POST", f"{w}/order/1/goods-note/goods-in",
                {"transfer": False, "destinationLocationId": 2, "warehouseId": 2, "receivedOn": "2024-01-01",
                 "products": [{"productId": 1001, "purchaseOrderRowId": 1, "quantity": 1,
                               "productValue": {"currency": "USD", "value": "3.00"}}]}),
        request("GET", f"{w}/order/1-5/goods-note/goods-in"),
        request("POST", f"{a}/customer-payment", PAYMENT),
        request("POST", f"{a}/sales-receipt", PAYMENT),
        request("DELETE", f"{a}/customer-payment/1"),
        request("GET", f"{a}/customer-payment-search?paymentDate=2024-01-01&orderId=1-9"),
        request("GET", f"{a}/tax-code"),
        request("GET", f"{a}/nominal-code/1000-4000"),
        request("GET", f"{a}/journal/1-3"),
        request("POST", f"{a}/journal-entry", JOURNAL),
        request("POST", f"{API}/multi-message",
                {"processingMode": "SEQUENTIAL", "onFail": "STOP", "messages": [
                    {"label": "a", "uri": "/order-service/order", "httpMethod": "POST", "body": ORDER},
                    {"label": "b", "uri": "/order-service/order/1/status?x=1", "httpMethod": "PUT", "body": {"orderStatusId": 3}}]}),
        sequence(request("POST", f"{API}/integration-service/webhook", WEBHOOK),
                 request("GET", f"{API}/integration-service/webhook/1-3"),
                 request("DELETE", f"{API}/integration-service/webhook/1"),
                 request("GET", f"{API}/integration-service/webhook")),
        request("GET", "/oauth/authorize/sandbox?response_type=code&client_id=sandbox&redirect_uri=http://x/cb&state=s"),
        request("POST", "/oauth/token/sandbox",
                "grant_type=authorization_code&code=abc&client_id=sandbox&redirect_uri=http%3A%2F%2Fx%2Fcb"),
        request("POST", "/sandbox/oauth/token", "grant_type=refresh_token&refresh_token=rt&client_id=sandbox"),
        request("POST", "/admin/orders", {"type": "SO", "count": 2}),
        request("POST", "/admin/orders", {"orders": [SALES_ORDER, dict(ORDER, rows=[ROW])]}),
        request("POST", "/admin/orders/invoice", {"ids": "1-3", "taxDate": "2024-02-01"}),
        request("POST", "/admin/orders/edit", {"ids": [1, 2], "patch": PATCH}),
        request("POST", "/admin/orders/ship", {"count": 2}),
        request("POST", "/admin/order/1/pay", {}),
        request("POST", "/admin/order/1/receive", {}),
        sequence(request("PUT", "/admin/faults", {"error_percent": 50, "latency_ms": 10, "latency_jitter_ms": 5,
                                                  "truncate_percent": 50, "drop_percent": 10, "unauthorized_burst": 1, "seed": 3}),
                 request("GET", f"{o}/order/1"), request("GET", f"{o}/order/2"), request("GET", "/admin/faults")),
        request("DELETE", "/admin/faults"),
        request("GET", "/admin/webhook-calls"),
    ]


def bp_webhook():
    get_hook = {"subscribeTo": "goods-out-note.modified.shipped", "httpMethod": "GET",
                "uriTemplate": "http://h/${account-code}/${resource-type}/${lifecycle-event}/${resource-id}"}
    return [
        json.dumps(WEBHOOK).encode() + SEPARATOR + json.dumps({"testData": {"${resource-id}": "1-3,7"}}).encode(),
        json.dumps(get_hook).encode() + SEPARATOR + json.dumps({"testData": {"resource-id": "5", "raised-on": "x"}}).encode(),
        json.dumps({"subscribeTo": "order.created", "httpMethod": "PATCH", "qualityOfService": 2}).encode(),
    ]


def gp_request():
    base = "/econnect/v1/TWO"
    return [
        request("GET", f"{base}/documents/SOPTransactionType?SOPTYPE=2&SOPNUMBE=BP1"),
        request("GET", f"{base}/documents/RMCustomerMasterType?CUSTNMBR=C200"),
        request("GET", f"{base}/documents/IVItemMasterType?ITEMNMBR=SKU-1001&extra=1"),
        request("GET", f"{base}/documents/GLTransactionType?JRNENTRY=1"),
        request("GET", f"{base}/changes?since=0&limit=3"),
        request("GET", f"{base}/changes?since=12"),
        sequence(request("POST", f"{base}/next-number/journal"), request("POST", f"{base}/next-number/receipt")),
        sequence(request("PUT", "/admin/faults", {"in_use": 1, "slow_ms": 5, "server_error": 1, "unavailable": 1,
                                                  "drop_before": 1, "drop_after": 1}),
                 request("GET", f"{base}/changes?since=0"), request("GET", "/admin/faults")),
    ]


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "corpus")
    for target, seeds in [("bp_request", bp_request()), ("bp_webhook", bp_webhook()), ("gp_request", gp_request())]:
        folder = os.path.join(corpus, target)
        os.makedirs(folder, exist_ok=True)
        for index, seed in enumerate(seeds):
            with open(os.path.join(folder, f"seed-{index:03}"), "wb") as out:
                out.write(seed)
        print(f"{target}: {len(seeds)} seeds")


if __name__ == "__main__":
    main()
