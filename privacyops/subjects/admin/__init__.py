"""The admin of data subjects, accounts (license holders), activity and customer datasets.

Built for one company's scale (a million subjects, a hundred million events): lists never
COUNT(*) a whole table (CappedCountPaginator, no full result count), searches are exact
matches through an index (an e-mail address, a login name, an IP address) or a name prefix.
One module per area; importing the package registers them all.
"""

from . import accounts, activity, customer_access, people  # noqa: F401  (they register their admins)
