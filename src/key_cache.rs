//! A small cache of derived signing keys for one secret, region and service.
//!
//! `kSigning` depends only on (secret, date, region, service). A [`crate::Signer`] fixes all
//! but the date, so its cache is keyed by the `YYYYMMDD` date alone and holds two entries:
//! today's key and, around midnight UTC or under clock skew, yesterday's or tomorrow's.
//! The cache is thread-safe through a per-signer `RwLock` (no global lock): the common case
//! is a shared read lock and a 32-byte copy. An evicted key is wiped as it drops.

use std::sync::RwLock;

use crate::error::Error;
use crate::signing_key::SigningKey;

/// How many dates the cache holds.
const CAPACITY: usize = 2;

#[derive(Debug)]
struct CachedKey {
    date: [u8; 8],
    key: SigningKey,
}

/// Derived keys by scope date. Bounded to [`CAPACITY`] entries.
#[derive(Debug, Default)]
pub(crate) struct KeyCache {
    entries: RwLock<[Option<CachedKey>; CAPACITY]>,
}

impl KeyCache {
    /// The key for `date` (the scope's `YYYYMMDD`): cached, or made by `derive` and cached.
    ///
    /// A poisoned lock (a panic elsewhere while it was held) only costs the cache: the key is
    /// then derived every time.
    pub(crate) fn get_or_derive(
        &self,
        date: &str,
        derive: impl FnOnce() -> Result<SigningKey, Error>,
    ) -> Result<SigningKey, Error> {
        let Ok(date) = <[u8; 8]>::try_from(date.as_bytes()) else {
            return derive();
        };
        if let Ok(entries) = self.entries.read()
            && let Some(hit) = entries.iter().flatten().find(|entry| entry.date == date)
        {
            return Ok(hit.key.clone());
        }
        let key = derive()?;
        if let Ok(mut entries) = self.entries.write() {
            let slot = match entries.iter().position(Option::is_none) {
                Some(empty) => empty,
                // Replace the oldest date: signatures move forward in time.
                None => entries
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, entry)| entry.as_ref().map(|entry| entry.date))
                    .map_or(0, |(index, _)| index),
            };
            entries[slot] = Some(CachedKey {
                date,
                key: key.clone(),
            });
        }
        Ok(key)
    }

    /// How many keys are cached (for tests).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries
            .read()
            .map_or(0, |entries| entries.iter().flatten().count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::SecretKey;
    use crate::signing_key::derive_signing_key;
    use crate::string_to_sign::Scope;
    use crate::time::AmzDate;
    use std::cell::Cell;

    fn key_for(date: &str) -> SigningKey {
        let amz_date = AmzDate::parse(&format!("{date}T000000Z")).unwrap();
        derive_signing_key(SecretKey::new("secret"), &Scope::new(&amz_date, "r", "s")).unwrap()
    }

    #[test]
    fn a_date_is_derived_once_and_then_served_from_the_cache() {
        let cache = KeyCache::default();
        let derivations = Cell::new(0);
        for _ in 0..5 {
            let key = cache
                .get_or_derive("20150830", || {
                    derivations.set(derivations.get() + 1);
                    Ok(key_for("20150830"))
                })
                .unwrap();
            assert_eq!(format!("{key:?}"), "SigningKey(** redacted **)");
        }
        assert_eq!(derivations.get(), 1);
    }

    #[test]
    fn the_cache_holds_two_dates_and_evicts_the_oldest() {
        let cache = KeyCache::default();
        let derivations = Cell::new(0);
        let get = |date: &str| {
            cache
                .get_or_derive(date, || {
                    derivations.set(derivations.get() + 1);
                    Ok(key_for(date))
                })
                .unwrap();
        };
        get("20150830");
        get("20150831");
        get("20150830");
        assert_eq!(derivations.get(), 2);
        get("20150901");
        assert_eq!(derivations.get(), 3);
        get("20150831");
        assert_eq!(
            derivations.get(),
            3,
            "the newer of the two old dates stayed"
        );
        get("20150830");
        assert_eq!(derivations.get(), 4, "the oldest date was evicted");
        assert_eq!(cache.len(), 2);
    }
}
