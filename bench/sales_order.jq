# The sales-order mapping (mappings/sales_order.map, default params, no lookups) as a jq projection, for
# bench/run.sh: the same fields, worked out the same way, but written as one JSON object per order.
# Unlike the mapping it writes no XML, computes money in binary floating point (jq numbers are doubles),
# and checks no keys, lengths, scales or code page. Orders that are not sales orders, or have no customer,
# give nothing.
def cut($n): .[0:$n];
def num: tonumber;

select(.orderTypeCode == "SO" and .parties.customer != null)
| .parties.customer as $c
| .parties.delivery as $d
| ("BP" + (.id | tostring)) as $sop
| ("C" + ($c.contactId | tostring)) as $cust
| .placedOn[0:10] as $date
| .currency.orderCurrencyCode as $cur
| [.orderRows | to_entries | sort_by(.key | tonumber) | .[].value] as $rows
| ([$rows[].rowValue.rowNet.value | num] | add // 0) as $subtotal
| ([$rows[].rowValue.rowTax.value | num] | add // 0) as $tax
| {
    taSopLineIvcInsert: [
      $rows | to_entries[] | .key as $i | .value as $r
      | ($r.quantity.magnitude | num) as $q
      | ($r.rowValue.rowNet.value | num) as $net
      | {
          SOPTYPE: 3, SOPNUMBE: $sop, CUSTNMBR: $cust, DOCDATE: $date,
          ITEMNMBR: ($r.productSku // "NON-INVENTORY"),
          UNITPRCE: (if $q == 0 then 0 else (($net / $q * 100000) | round) / 100000 end),
          XTNDPRCE: $net, QUANTITY: $q,
          ITEMDESC: ($r.productName | cut(100)),
          TAXAMNT: ($r.rowValue.rowTax.value | num),
          LNITMSEQ: (($i + 1) * 16384),
          CURNCYID: $cur
        }
    ],
    taSopHdrIvcInsert: {
      SOPTYPE: 3, DOCID: "STDINV", SOPNUMBE: $sop, TAXAMNT: $tax, DOCDATE: $date, FREIGHT: 0,
      CUSTNMBR: $cust,
      CUSTNAME: (if $c.companyName != "" then $c.companyName else $c.addressFullName end | cut(64)),
      ShipToName: ($d.addressFullName | cut(64)),
      ADDRESS1: ($d.addressLine1 | cut(60)), ADDRESS2: ($d.addressLine2 | cut(60)), ADDRESS3: "",
      CITY: ($d.addressLine3 | cut(35)), STATE: ($d.addressLine4 | cut(29)), ZIPCODE: ($d.postalCode | cut(10)),
      COUNTRY: (($d.country // "") | cut(60)),
      SUBTOTAL: $subtotal, DOCAMNT: ($subtotal + 0 + $tax), BACHNUMB: "BRIGHTPEARL", CURNCYID: $cur
    }
  }
