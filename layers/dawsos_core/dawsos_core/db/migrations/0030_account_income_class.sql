-- An Income or Expenses account may say what class its postings are, in its open
-- directive's metadata (income-class: "dividends"), for the names the classification does
-- not read (Income:Broker:Payouts) or reads wrongly; "none" makes an account unclassified
-- (other) whatever its name says. NULL: classified by its name, as before.
ALTER TABLE ledger_accounts ADD COLUMN income_class text
    CHECK (income_class IN ('dividends', 'interest', 'commissions', 'fees', 'withholding',
                            'none'));
