//! The one way a check is declared, in every suite and in the verification core.
//!
//! - [`check!`](crate::check): one check, `pub const NAME: CheckDef`.
//! - [`paired_checks!`](crate::paired_checks): the checks of an OB 3.0 / CLR 2.0 role, declared
//!   once and given twice, as `ob3.<role>.<name>` and `clr2.<role>.<name>` with each standard's
//!   clause: modules `ob3` and `clr2` (a const per check and `ALL`, in declared order) and the
//!   same as a struct, `Defs`, with `OB3` / `CLR2` (for code that runs either standard).
//! - [`versioned_checks!`](crate::versioned_checks): the checks of one role shared by two versions
//!   of a standard (CASE 1.0 and 1.1), declared once and given twice under each version's prefix
//!   (`case.provider.<name>`, `case11.provider.<name>`) with each version's clause: modules named
//!   by the caller (a const per check and `ALL`) and `Defs` with one const per version.
//!
//! `wellspring checks` lists every declared check; `grep -rn '"<id>"'` or the id's last part
//! finds its row.

/// Declares one check: `check!(NAME, "id", clause, "title");`.
#[macro_export]
macro_rules! check {
    ($name:ident, $id:literal, $clause:expr, $title:literal) => {
        pub const $name: $crate::CheckDef = $crate::CheckDef {
            id: $id,
            clause: $clause,
            title: $title,
        };
    };
}

/// Declares the checks of one OB 3.0 / CLR 2.0 role:
/// `paired_checks! { role "issuer"; NAME: "suffix", OB_CLAUSE, CLR_CLAUSE, "title"; … }`.
#[macro_export]
macro_rules! paired_checks {
    (role $role:literal; $($name:ident: $suffix:literal, $ob:expr, $clr:expr, $title:literal;)*) => {
        /// The OB 3.0 checks of this role.
        pub mod ob3 {
            #[allow(unused_imports)]
            use super::*;
            $(pub const $name: $crate::CheckDef = $crate::CheckDef {
                id: concat!("ob3.", $role, ".", $suffix),
                clause: $ob,
                title: $title,
            };)*
            /// Every check, in declared (report) order.
            pub const ALL: &[$crate::CheckDef] = &[$($name),*];
        }
        /// The CLR 2.0 checks of this role.
        pub mod clr2 {
            #[allow(unused_imports)]
            use super::*;
            $(pub const $name: $crate::CheckDef = $crate::CheckDef {
                id: concat!("clr2.", $role, ".", $suffix),
                clause: $clr,
                title: $title,
            };)*
            /// Every check, in declared (report) order.
            pub const ALL: &[$crate::CheckDef] = &[$($name),*];
        }
        /// The checks of one standard, by name.
        #[allow(non_snake_case)]
        #[derive(Debug, Clone, Copy)]
        pub struct Defs {
            $(pub $name: $crate::CheckDef,)*
        }
        /// The OB 3.0 checks, by name.
        pub const OB3: Defs = Defs { $($name: ob3::$name,)* };
        /// The CLR 2.0 checks, by name.
        pub const CLR2: Defs = Defs { $($name: clr2::$name,)* };
        impl Defs {
            /// Every check, in declared (report) order.
            pub fn all(&self) -> Vec<$crate::CheckDef> {
                vec![$(self.$name,)*]
            }
        }
    };
}

/// Declares the checks one role shares across two versions of a standard:
/// `versioned_checks! { v10 "case.provider" => V10; v11 "case11.provider" => V11;
/// NAME: "suffix", CLAUSE_10, CLAUSE_11, "title"; … }` gives modules `v10` / `v11` (a const per
/// check with ids `case.provider.suffix` / `case11.provider.suffix`, and `ALL`) and the same as
/// `Defs` values `V10` / `V11`.
#[macro_export]
macro_rules! versioned_checks {
    ($a:ident $pa:literal => $da:ident; $b:ident $pb:literal => $db:ident;
     $($name:ident: $suffix:literal, $ca:expr, $cb:expr, $title:literal;)*) => {
        /// The checks of the first version.
        pub mod $a {
            #[allow(unused_imports)]
            use super::*;
            $(pub const $name: $crate::CheckDef = $crate::CheckDef {
                id: concat!($pa, ".", $suffix),
                clause: $ca,
                title: $title,
            };)*
            /// Every check, in declared (report) order.
            pub const ALL: &[$crate::CheckDef] = &[$($name),*];
        }
        /// The checks of the second version.
        pub mod $b {
            #[allow(unused_imports)]
            use super::*;
            $(pub const $name: $crate::CheckDef = $crate::CheckDef {
                id: concat!($pb, ".", $suffix),
                clause: $cb,
                title: $title,
            };)*
            /// Every check, in declared (report) order.
            pub const ALL: &[$crate::CheckDef] = &[$($name),*];
        }
        /// The checks of one version, by name.
        #[allow(non_snake_case)]
        #[derive(Debug, Clone, Copy)]
        pub struct Defs {
            $(pub $name: $crate::CheckDef,)*
        }
        /// The first version's checks, by name.
        pub const $da: Defs = Defs { $($name: $a::$name,)* };
        /// The second version's checks, by name.
        pub const $db: Defs = Defs { $($name: $b::$name,)* };
    };
}

#[cfg(test)]
mod tests {
    #[allow(dead_code)]
    mod role {
        const A: &str = "https://example.org/a";
        const B: &str = "https://example.org/b";
        paired_checks! {
            role "thing";
            ONE: "one", A, B, "first";
            TWO: "two", A, B, "second";
        }
    }
    check!(SOLO, "x.solo", "https://example.org/c", "alone");
    #[allow(dead_code)]
    mod versions {
        versioned_checks! {
            old "s.role" => OLD; new "s2.role" => NEW;
            ONE: "one", "https://example.org/1.0", "https://example.org/1.1", "first";
        }
    }

    #[test]
    fn declared_once_given_twice() {
        assert_eq!(role::ob3::ONE.id, "ob3.thing.one");
        assert_eq!(role::clr2::TWO.id, "clr2.thing.two");
        assert_eq!(role::clr2::TWO.clause, "https://example.org/b");
        let ids: Vec<_> = role::CLR2.all().iter().map(|c| c.id).collect();
        assert_eq!(ids, ["clr2.thing.one", "clr2.thing.two"]);
        assert_eq!(role::ob3::ALL.len(), 2);
        assert_eq!(SOLO.id, "x.solo");
        assert_eq!(versions::old::ONE.id, "s.role.one");
        assert_eq!(versions::NEW.ONE.id, "s2.role.one");
        assert_eq!(versions::NEW.ONE.clause, "https://example.org/1.1");
        assert_eq!(versions::new::ALL.len(), 1);
    }
}
